using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Benchmarks.Throughput;

/// <summary>
/// The broker server over loopback TCP: broker-server as a process of its own (Broker.Server.dll, copied next to
/// this harness) on the durable log with fsync before ack, and a <c>UseServer</c> client in this process.
/// </summary>
internal sealed class BrokerServerProcess : IDisposable
{
    private readonly Process _process;

    private BrokerServerProcess(Process process, int port)
    {
        _process = process;
        Address = $"127.0.0.1:{port}";
    }

    public string Address { get; }

    public static BrokerServerProcess Start(string root)
    {
        var data = Path.Combine(root, "server");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Broker.Server.dll"), "--data", data, "--listen", $"127.0.0.1:{port}" })
            info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException("broker-server did not start.");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new BrokerServerProcess(process, port);
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>
    /// The same workload as the other adapters, through <c>UseServer</c>'s transport. A first, unrecorded pass on another
    /// channel warms the new server process up (JIT tiering, the log's first segments), as the in-process engine already
    /// is by the time the embedded adapter is measured.
    /// </summary>
    public async Task<(double Produce, double Consume)> MeasureAsync(ChannelDefinition channel, byte[] payload, int producers, int messages)
    {
        var services = new ServiceCollection();
        new BrokerBuilder(services).UseServer(Address);
        await using var provider = services.BuildServiceProvider();
        var transport = provider.GetRequiredService<IQueueTransport>();
        await AdapterRuns.MeasureAsync(transport, new ChannelDefinition(channel.Name + "-warm-up"), payload, producers, Math.Max(1, messages / 2));
        return await AdapterRuns.MeasureAsync(transport, channel, payload, producers, messages);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}

using System.Diagnostics;
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

    /// <summary>The server process's CPU time so far (user and system), to split a round's cost between client and server.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public static BrokerServerProcess Start(string root)
    {
        var data = Path.Combine(root, "server");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        var port = ServerProcesses.FreePort();
        var info = new ProcessStartInfo("dotnet");
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Broker.Server.dll"), "--data", data, "--listen", $"127.0.0.1:{port}" })
            info.ArgumentList.Add(argument);
        return new BrokerServerProcess(ServerProcesses.StartListening(info, port, "broker-server"), port);
    }

    /// <summary>A <c>UseServer</c> client of this server, resolved exactly as an application gets it.</summary>
    public ServerClient Connect()
    {
        var services = new ServiceCollection();
        new BrokerBuilder(services).UseServer(Address);
        return new ServerClient(services.BuildServiceProvider());
    }

    /// <summary>A client whose rounds the head-to-head comparison alternates with raw JetStream's.</summary>
    internal sealed class ServerClient(ServiceProvider provider) : IAsyncDisposable
    {
        private readonly IQueueTransport _transport = provider.GetRequiredService<IQueueTransport>();
        private int _rounds;

        /// <summary>The same workload as the other adapters, on a channel of the round's own.</summary>
        public Task<(double Produce, double Consume)> RoundAsync(ChannelDefinition channel, byte[] payload, int producers, int messages) =>
            AdapterRuns.MeasureAsync(_transport, new ChannelDefinition($"{channel.Name}-{++_rounds}"), payload, producers, messages);

        public ValueTask DisposeAsync() => provider.DisposeAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}

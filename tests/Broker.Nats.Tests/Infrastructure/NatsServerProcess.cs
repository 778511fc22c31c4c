using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Broker.Nats.Tests.Infrastructure;

/// <summary>
/// One nats-server process on a loopback port with JetStream and a store directory of its own. It can be stopped
/// gracefully, killed with SIGKILL, and started again on the same port and store; it is always stopped by its process
/// id.
/// </summary>
public sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly string _arguments;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private NatsServerProcess(string name, int port, string storeDirectory, string arguments)
    {
        Name = name;
        Port = port;
        StoreDirectory = storeDirectory;
        _arguments = arguments;
    }

    public string Name { get; }

    public int Port { get; }

    public string StoreDirectory { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>A single server, with JetStream unless told otherwise, on a free port or the one given.</summary>
    public static Task<NatsServerProcess> StartAsync(string storeDirectory, int? port = null, bool jetStream = true)
    {
        var listen = port ?? FreePorts.Next();
        var arguments = $"-a 127.0.0.1 -p {listen}{(jetStream ? " -js" : "")} -sd \"{storeDirectory}\" -n single";
        return StartAsync(new NatsServerProcess("single", listen, storeDirectory, arguments));
    }

    /// <summary>A server started from a configuration file (cluster nodes).</summary>
    public static NatsServerProcess FromConfig(string name, int port, string storeDirectory, string configFile) =>
        new(name, port, storeDirectory, $"-c \"{configFile}\"");

    public static async Task<NatsServerProcess> StartAsync(NatsServerProcess server)
    {
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException($"nats-server {Name} is already running.");
        Directory.CreateDirectory(StoreDirectory);
        var info = new ProcessStartInfo(NatsServerBinary.Require(), _arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        if (!process.Start()) throw new InvalidOperationException($"nats-server {Name} did not start.");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        await WaitForPortAsync(TimeSpan.FromSeconds(20));
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private async Task WaitForPortAsync(TimeSpan timeout)
    {
        var started = Stopwatch.StartNew();
        while (started.Elapsed < timeout)
        {
            if (_process!.HasExited)
                throw new InvalidOperationException($"nats-server {Name} exited with code {_process.ExitCode}:\n{Log}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }
        throw new TimeoutException($"nats-server {Name} did not listen on port {Port} within {timeout.TotalSeconds} s:\n{Log}");
    }

    /// <summary>SIGKILL, by process id: what a crash looks like to the cluster.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process) return;
        if (!process.HasExited)
        {
            using var byId = Process.GetProcessById(process.Id);
            byId.Kill();
        }
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
    }
}

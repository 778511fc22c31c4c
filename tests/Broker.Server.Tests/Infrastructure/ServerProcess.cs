namespace Broker.Server.Tests.Infrastructure;

/// <summary>
/// The real <c>broker-server</c> executable (Broker.Server.dll from the test's output directory) on a loopback port and
/// a data directory that outlive it, so a test can kill it with SIGKILL and start it again where it left off.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly string[] _extraArguments;
    private ChildProcess? _process;

    private ServerProcess(string dataDirectory, int port, string[] extraArguments)
    {
        DataDirectory = dataDirectory;
        Port = port;
        _extraArguments = extraArguments;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public ChildProcess Process => _process ?? throw new InvalidOperationException("The server is not running.");

    public static async Task<ServerProcess> StartAsync(string dataDirectory, params string[] extraArguments)
    {
        var server = new ServerProcess(dataDirectory, FreePorts.Next(), extraArguments);
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the executable and waits until it listens.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("The server is already running.");
        if (_process is not null) await _process.DisposeAsync();
        _process = ChildProcess.Start("Broker.Server.dll", ["--data", DataDirectory, "--listen", Address, "--segment-bytes", "4MiB", .. _extraArguments]);
        await _process.WaitForLineAsync("Broker server listening on");
    }

    /// <summary>SIGKILL.</summary>
    public Task KillAsync() => Process.KillAsync();

    /// <summary>SIGTERM; returns the exit code.</summary>
    public Task<int> TerminateAsync() => Process.TerminateAsync();

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}

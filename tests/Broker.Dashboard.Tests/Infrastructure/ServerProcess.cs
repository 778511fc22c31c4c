using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Dashboard.Tests.Infrastructure;

/// <summary>
/// The real <c>broker-server</c> executable (Broker.Server.dll from this test's output directory) on loopback ports,
/// serving the dashboard with <c>--http</c>, over a data directory of its own that is deleted with it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _dataDirectory;

    private ServerProcess(Process process, string dataDirectory, int port, int httpPort)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Port = port;
        HttpPort = httpPort;
    }

    public int Port { get; }

    public int HttpPort { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The dashboard's home page.</summary>
    public Uri Dashboard => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>Everything the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Starts the server with <c>--http</c> on a free port and the given arguments, and waits until it listens.</summary>
    public static async Task<ServerProcess> StartAsync(params string[] arguments)
    {
        var server = Launch(arguments, http: true);
        await server.WaitUntilListeningAsync();
        return server;
    }

    /// <summary>Starts the server with exactly <paramref name="arguments"/> (and a data directory) without waiting.</summary>
    public static ServerProcess Launch(IEnumerable<string> arguments, bool http)
    {
        var data = Path.Combine(Path.GetTempPath(), "broker-dashboard-" + Guid.NewGuid().ToString("N"));
        var port = FreePorts.Next();
        var httpPort = FreePorts.Next();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Broker.Server.dll"));
        foreach (var argument in (string[])["--data", data, "--listen", $"127.0.0.1:{port}", "--segment-bytes", "4MiB"])
            info.ArgumentList.Add(argument);
        if (http)
        {
            info.ArgumentList.Add("--http");
            info.ArgumentList.Add($"127.0.0.1:{httpPort}");
        }
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process, data, port, httpPort);
        process.OutputDataReceived += (_, e) => server.Add(e.Data);
        process.ErrorDataReceived += (_, e) => server.Add(e.Data);
        process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException("broker-server exited before it listened."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits for the process to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Waits.Generous);
        return _process.ExitCode;
    }

    /// <summary>A Broker client of this server (the server client adapter), as an application's services hold it.</summary>
    public ServiceProvider Client(string? token)
    {
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseServer(Address, o => o.Token = token));
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // It never started.
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        try
        {
            await _listening.Task.WaitAsync(Waits.Generous);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            Assert.Fail($"broker-server did not start listening: {ex.Message} It printed:\n{Output}");
        }
    }

    private void Add(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        if (line.Contains("Broker server listening on", StringComparison.Ordinal))
            _listening.TrySetResult();
    }
}

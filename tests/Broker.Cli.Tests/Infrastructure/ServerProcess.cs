using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Broker.Cli.Tests.Infrastructure;

/// <summary>
/// A real <c>broker-server</c> process (Broker.Server.dll from its own output folder) on a free loopback port and a
/// data directory of its own, started with the given extra arguments (credentials, TLS) and killed when disposed.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TempDirectory _data = new("broker-cli-server");

    private ServerProcess(int port, string[] extraArguments)
    {
        Port = port;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(BuiltProgram.PathOf("Broker.Server", "Broker.Server.dll"));
        foreach (var argument in new[] { "--data", _data.Path, "--listen", Address, "--segment-bytes", "4MiB" }.Concat(extraArguments))
            info.ArgumentList.Add(argument);
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("BROKER_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(name);
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException("broker-server exited before it listened:\n" + Output));
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public string DataDirectory => _data.Path;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static async Task<ServerProcess> StartAsync(params string[] extraArguments)
    {
        var server = new ServerProcess(FreePort(), extraArguments);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            await server._listening.Task.WaitAsync(Waits.Generous);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            Assert.Fail($"broker-server did not start listening within {Waits.Generous.TotalSeconds:0} s:\n{server.Output}");
        }
        return server;
    }

    /// <summary>A loopback port nobody listens on right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill();
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _data.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
            return;
        lock (_output) _output.AppendLine(line);
        if (line.Contains("Broker server listening on", StringComparison.Ordinal))
            _listening.TrySetResult();
    }
}

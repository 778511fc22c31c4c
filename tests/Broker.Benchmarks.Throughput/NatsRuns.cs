using System.Diagnostics;

namespace Broker.Benchmarks.Throughput;

/// <summary>A nats-server 2.9 with JetStream on a free loopback port and a store of its own, stopped by its process id.</summary>
internal sealed class NatsServer : IDisposable
{
    private readonly Process _process;

    private NatsServer(Process process, int port, string store)
    {
        _process = process;
        Url = $"nats://127.0.0.1:{port}";
        Store = store;
    }

    public string Url { get; }

    public string Store { get; }

    /// <summary>nats-server's CPU time so far (user and system).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public static string? FindBinary() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin")
            .Select(d => Path.Combine(d, "nats-server")).FirstOrDefault(File.Exists);

    public static NatsServer Start(string binary, string root)
    {
        var store = Path.Combine(root, "nats");
        if (Directory.Exists(store)) Directory.Delete(store, recursive: true);
        var port = ServerProcesses.FreePort();
        var process = ServerProcesses.StartListening(new ProcessStartInfo(binary, $"-a 127.0.0.1 -p {port} -js -sd \"{store}\""), port, "nats-server");
        return new NatsServer(process, port, store);
    }

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}

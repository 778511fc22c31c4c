using System.Collections.Concurrent;
using System.Diagnostics;

namespace Broker.Engine.Tests.Crash;

/// <summary>One run of the crash host: a real process on a data directory, whose event lines the test collects.</summary>
internal sealed class CrashHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _errors = new();
    private int _events;

    private CrashHostProcess(string directory, int run, string mode)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Broker.Engine.CrashHost.dll");
        var start = new ProcessStartInfo(DotnetPath(), [host, directory, run.ToString(System.Globalization.CultureInfo.InvariantCulture), mode])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) _errors.Enqueue(e.Data);
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Complete event lines in the order printed (a line cut by the kill lacks its " ;" and is not here).</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public int Events => Volatile.Read(ref _events);

    public int Id => _process.Id;

    public string Errors => string.Join(Environment.NewLine, _errors);

    public static CrashHostProcess Start(string directory, int run, string mode) => new(directory, run, mode);

    public Task Ready => _ready.Task;

    public Task Drained => _drained.Task;

    /// <summary>SIGKILL: no cleanup of any kind in the host.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        // Flushes the last output events.
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null || !line.EndsWith(" ;", StringComparison.Ordinal))
            return;
        line = line[..^2];
        if (line == "READY")
            _ready.TrySetResult();
        else if (line == "DRAINED")
            _drained.TrySetResult();
        else
        {
            Lines.Enqueue(line);
            Interlocked.Increment(ref _events);
        }
    }

    private static string DotnetPath()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host)
            return host;
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}

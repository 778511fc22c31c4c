using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Broker.Server.Tests.Infrastructure;

/// <summary>
/// A process started by a test (<c>dotnet some.dll args</c>) whose output lines the test can wait for, and which it can
/// kill with SIGKILL, stop with SIGTERM, or freeze with SIGSTOP, always by its process id.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process printed so far, stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_all) return string.Join('\n', _all);
        }
    }

    public static ChildProcess Start(string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // Keep child processes small on a shared machine.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data is null ? null : "stderr: " + e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for an output line containing <paramref name="text"/>.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Waits.Generous);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cancel.Token);
                if (line.Contains(text, StringComparison.Ordinal)) return line;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            Assert.Fail($"The process did not print '{text}' within {(timeout ?? Waits.Generous).TotalSeconds:0} s (exited: {_process.HasExited}). It printed:\n{Output}");
            throw;
        }
    }

    /// <summary>Lines printed from now on, as they come.</summary>
    public ChannelReader<string> Lines => _lines.Reader;

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>SIGKILL: the process dies at once, without closing anything itself.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            using var byId = Process.GetProcessById(_process.Id);
            byId.Kill();
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, and waits for the exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan? timeout = null)
    {
        Signal(15);
        await _process.WaitForExitAsync().WaitAsync(timeout ?? Waits.Generous);
        return _process.ExitCode;
    }

    /// <summary>SIGSTOP: the process freezes; its sockets stay open.</summary>
    public void Freeze() => Signal(19);

    /// <summary>SIGCONT.</summary>
    public void Thaw() => Signal(18);

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout ?? Waits.Generous);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) Thaw();
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private void Signal(int signal)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && !RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            throw new PlatformNotSupportedException("Signals are sent on Linux and macOS only.");
        if (SendSignal(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_all) _all.Add(line);
        _lines.Writer.TryWrite(line);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// A child application process (<see cref="ChildProgram"/>, this very assembly run by <c>dotnet</c>) whose stdout lines
/// go to the test's <see cref="ProcessLedger"/>. The test stops it by its process id only: SIGKILL, or SIGTERM for a
/// graceful stop.
/// </summary>
internal sealed partial class AppProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly List<string> _errors = [];

    private AppProcess(ChildArguments arguments, Process process)
    {
        Arguments = arguments;
        _process = process;
    }

    public ChildArguments Arguments { get; }

    public string Name => Arguments.Name;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts a child; with <paramref name="startOnGo"/> it waits, loaded, for <see cref="GoAsync"/>.</summary>
    public static AppProcess Start(ChildArguments arguments, ProcessLedger ledger, bool startOnGo = false)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Broker.Embedded.Tests.dll"));
        foreach (var argument in arguments.ToArgs())
            info.ArgumentList.Add(argument);
        // Small processes on a shared 2-core machine: workstation GC, no dynamic PGO instrumentation.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        if (startOnGo)
            info.Environment[ChildProgram.StartOnGo] = "1";
        var process = new Process { StartInfo = info };
        var child = new AppProcess(arguments, process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            child.Keep(e.Data);
            ledger.Record(arguments.Name, ChildLine.Parse(e.Data));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (child._errors)
                child._errors.Add(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGKILL, noted in the ledger first; returns once the process is gone, with the moment just before the signal.</summary>
    public async Task<long> KillAsync(ProcessLedger ledger)
    {
        var at = Stopwatch.GetTimestamp();
        ledger.Killed(Name, at);
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        return at;
    }

    /// <summary>SIGTERM: the child's generic host stops it gracefully.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, 15) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Waits for the exit (after <see cref="Terminate"/>) and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>Lets a child started to wait for it go on.</summary>
    public Task GoAsync() => SendAsync("go");

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The resident set size the kernel reports (VmRSS in /proc/&lt;pid&gt;/status), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            // "VmRSS:     123456 kB"
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException($"/proc/{_process.Id}/status has no VmRSS line.");
    }

    /// <summary>The last lines of stdout and all of stderr, for a failure's message.</summary>
    public string Describe()
    {
        string[] tail;
        lock (_tail)
            tail = [.. _tail];
        string[] errors;
        lock (_errors)
            errors = [.. _errors];
        return $"--- {Name} (pid {Id}, {(_process.HasExited ? "exited" : "running")}): last stdout lines:\n{string.Join('\n', tail)}\n" +
            (errors.Length == 0 ? "" : $"stderr:\n{string.Join('\n', errors.TakeLast(TailLines))}\n");
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
            // Never started.
        }
        _process.Dispose();
    }

    private void Keep(string line)
    {
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
                _tail.Dequeue();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}

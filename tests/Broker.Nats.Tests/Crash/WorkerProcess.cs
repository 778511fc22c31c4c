using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Broker.Nats.Tests.Crash;

/// <summary>A worker running <see cref="WorkerProgram"/> in a process of its own, so a test can SIGKILL it mid-message.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private WorkerProcess(Process process) => _process = process;

    public int ProcessId => _process.Id;

    public static WorkerProcess Start(string url, string prefix, string channel, TimeSpan ackWait) =>
        Start(url, prefix, channel, ackWait.TotalSeconds.ToString(CultureInfo.InvariantCulture));

    /// <summary>A worker with the default ack wait (<see cref="NatsTransportOptions.AckWait"/> untouched), optionally in another mode.</summary>
    public static WorkerProcess StartWithDefaults(string url, string prefix, string channel, string? mode = null) =>
        Start(url, prefix, channel, WorkerProgram.DefaultAckWait, mode);

    private static WorkerProcess Start(string url, string prefix, string channel, string ackWait, string? mode = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var assembly = typeof(WorkerProgram).Assembly.Location;
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { assembly, WorkerProgram.Command, url, prefix, channel, ackWait })
            info.ArgumentList.Add(argument);
        if (mode is not null) info.ArgumentList.Add(mode);
        var process = new Process { StartInfo = info };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line) worker._lines.Writer.TryWrite(line);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line) worker._lines.Writer.TryWrite("stderr: " + line);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Waits for a stdout line starting with <paramref name="prefix"/>; fails with everything the worker printed otherwise.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var seen = new List<string>();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cancel.Token);
                if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
                seen.Add(line);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The worker did not print '{prefix}' within {timeout.TotalSeconds:0} s. It printed:\n{string.Join('\n', seen)}");
            throw;
        }
    }

    /// <summary>Reads stdout lines up to and including one equal to <paramref name="last"/>, returning every line read.</summary>
    public async Task<IReadOnlyList<string>> ReadUntilAsync(string last, TimeSpan timeout)
    {
        var seen = new List<string>();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cancel.Token);
                seen.Add(line);
                if (line == last) return seen;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The worker did not print '{last}' within {timeout.TotalSeconds:0} s. It printed:\n{string.Join('\n', seen)}");
            throw;
        }
    }

    /// <summary>Writes a line to the worker's stdin.</summary>
    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) the whole process, as a stalled machine or a long pause would.</summary>
    public void Signal(bool freeze)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [freeze ? "-STOP" : "-CONT", _process.Id.ToString(CultureInfo.InvariantCulture)])) ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>SIGKILL by process id.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        using (var byId = Process.GetProcessById(_process.Id))
            byId.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // A frozen process cannot be killed until thawed on some kernels' views of it; thaw first, ignoring one that just exited.
        try
        {
            if (!_process.HasExited) Signal(freeze: false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
        }
        await KillAsync();
        _process.Dispose();
    }
}

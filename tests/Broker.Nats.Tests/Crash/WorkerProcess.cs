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

    public static WorkerProcess Start(string url, string prefix, string channel, TimeSpan ackWait)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var assembly = typeof(WorkerProgram).Assembly.Location;
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { assembly, WorkerProgram.Command, url, prefix, channel, ackWait.TotalSeconds.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(argument);
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
        await KillAsync();
        _process.Dispose();
    }
}

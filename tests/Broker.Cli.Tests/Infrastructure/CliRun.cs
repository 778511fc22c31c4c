using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Broker.Cli.Tests.Infrastructure;

/// <summary>What one run of the <c>broker</c> command printed and exited with.</summary>
public sealed record CliRun(string[] Arguments, int ExitCode, string Output, string Error)
{
    /// <summary>Standard output parsed as the one JSON document of <c>--json</c>.</summary>
    public JsonElement Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Output);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            Assert.Fail($"Standard output is not one JSON document ({ex.Message}).\n{this}");
            throw;
        }
    }

    /// <summary>Asserts the exit code, showing everything the run printed when it differs.</summary>
    public CliRun Exits(int expected)
    {
        Assert.True(ExitCode == expected, $"Expected exit code {expected}.\n{this}");
        return this;
    }

    public override string ToString() =>
        $"broker {string.Join(' ', Arguments)}\nexit code: {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>
/// Runs the built command line as a real process, <c>dotnet Broker.Cli.dll ...</c> from its own output folder, with
/// its standard input, output and error redirected (as a script runs it) and none of the caller's <c>BROKER_*</c> or
/// <c>NO_COLOR</c> variables unless the test passes them.
/// </summary>
public static class BrokerCli
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static Task<CliRun> RunAsync(params string[] arguments) => RunAsync(arguments, environment: null);

    public static async Task<CliRun> RunAsync(string[] arguments, IReadOnlyDictionary<string, string>? environment, string? input = null)
    {
        var running = Start(arguments, environment, input);
        return await running.Completion;
    }

    /// <summary>Starts the command and returns while it runs.</summary>
    /// <param name="arguments">The command's arguments.</param>
    /// <param name="environment">Variables to set.</param>
    /// <param name="input">Standard input, or null for none.</param>
    /// <param name="interruptible">
    /// Whether the command must take SIGINT even when the tests run with it ignored. A process started in the background
    /// by a shell without job control (<c>.ci/run &amp;</c>, nohup) ignores SIGINT, its children inherit that, and .NET
    /// then leaves it ignored, as Unix programs should: the command would never see the test's Ctrl+C. <c>env
    /// --default-signal=INT</c> (GNU coreutils) restores the default before the command starts.
    /// </param>
    public static RunningCli Start(string[] arguments, IReadOnlyDictionary<string, string>? environment = null, string? input = null, bool interruptible = false)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(interruptible ? "env" : dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (interruptible)
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add(dotnet);
        }
        info.ArgumentList.Add(BuiltProgram.PathOf("Broker.Cli", "Broker.Cli.dll"));
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("BROKER_", StringComparison.Ordinal) || k is "NO_COLOR" or "COLUMNS").ToList())
            info.Environment.Remove(name);
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        return new RunningCli(process, arguments, WaitAsync(process, arguments, input));
    }

    private static async Task<CliRun> WaitAsync(Process process, string[] arguments, string? input)
    {
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            // Standard input is a pipe, not a terminal; closing it means an answer never comes.
            if (input is not null)
                await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            try
            {
                await process.WaitForExitAsync().WaitAsync(Timeout);
            }
            catch (TimeoutException)
            {
                // What the process was doing, read before it is killed: its signal masks (was SIGINT caught, blocked,
                // ignored or pending?) and where each thread waits in the kernel.
                var state = ProcessState(process.Id);
                process.Kill(entireProcessTree: true);
                Assert.Fail($"broker {string.Join(' ', arguments)} did not exit within {Timeout.TotalSeconds:0} s (waiting for input?).\n--- stdout ---\n{await output}\n--- stderr ---\n{await error}\n--- process ---\n{state}");
            }
            return new CliRun(arguments, process.ExitCode, await output, await error);
        }
    }

    // Linux only, best effort: the Sig* lines of /proc/<pid>/status (masks in hex; SIGINT is bit 1, 0x2) and each
    // thread's name and kernel wait channel.
    private static string ProcessState(int id)
    {
        try
        {
            var lines = File.ReadAllLines($"/proc/{id}/status").Where(l => l.StartsWith("Sig", StringComparison.Ordinal) || l.StartsWith("ShdPnd", StringComparison.Ordinal) || l.StartsWith("State", StringComparison.Ordinal)).ToList();
            foreach (var task in Directory.EnumerateDirectories($"/proc/{id}/task"))
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                var wchan = File.ReadAllText(Path.Combine(task, "wchan")).Trim();
                lines.Add($"thread {Path.GetFileName(task)} {name}: {wchan}");
            }
            return string.Join('\n', lines);
        }
        catch (IOException ex)
        {
            return "unreadable: " + ex.Message;
        }
        catch (UnauthorizedAccessException ex)
        {
            return "unreadable: " + ex.Message;
        }
    }
}

/// <summary>A run of the command line still going: its process id, a way to interrupt it, and its outcome.</summary>
public sealed class RunningCli(Process process, string[] arguments, Task<CliRun> completion)
{
    public int Id { get; } = process.Id;

    public string[] Arguments { get; } = arguments;

    public Task<CliRun> Completion { get; } = completion;

    /// <summary>SIGINT, as Ctrl+C in a terminal sends it, by process id.</summary>
    public async Task InterruptAsync()
    {
        using var kill = Process.Start("kill", ["-INT", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}

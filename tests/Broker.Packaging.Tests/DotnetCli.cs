using System.Diagnostics;
using System.Text;

namespace Broker.Packaging.Tests;

/// <summary>Runs the dotnet CLI as a user would, with a time limit, and returns what it printed.</summary>
internal static class DotnetCli
{
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit code {ExitCode}:\n{Output}";
    }

    public static Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProgramAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", workingDirectory, timeout, arguments);

    /// <summary>Runs any program the same way (an installed tool, say).</summary>
    public static async Task<Result> RunProgramAsync(string program, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // The test host runs inside an MSBuild-aware environment; a user's shell does not, and these would point the
        // child's MSBuild at the test's SDK resolution instead of its own.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(variable);
        // An installed tool's launcher looks for .NET in the default places unless DOTNET_ROOT says otherwise: point it
        // at the one running these tests, wherever it was installed.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && !start.Environment.ContainsKey("DOTNET_ROOT"))
            start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(host);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}:\n{output}");
        }
        process.WaitForExit(); // Drains the redirected output.
        lock (output) return new Result(process.ExitCode, output.ToString());
    }
}

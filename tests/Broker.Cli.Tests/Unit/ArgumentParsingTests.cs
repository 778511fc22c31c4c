using Broker.Cli.Output;

namespace Broker.Cli.Tests.Unit;

/// <summary>
/// The command line in this process (<see cref="Program.Create"/>): every mistake is a usage error (exit code 2) with a
/// message naming it, found before any broker is opened (the data directory given does not exist, which would be exit
/// code 5 if it were reached).
/// </summary>
public sealed class ArgumentParsingTests
{
    private static readonly string Nowhere = Path.Combine(Path.GetTempPath(), "broker-cli-tests-never-created");

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Program.Create(Terminal.ForWriters(output, error)).RunAsync(arguments);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("no-such-command")]
    [InlineData("channels", "--no-such-option")]
    [InlineData("peek")]
    [InlineData("peek", "orders", "--limit", "lots")]
    [InlineData("peek", "orders", "--limit", "0")]
    [InlineData("peek", "orders", "--limit", "10001")]
    [InlineData("peek", "orders", "--limit", "99999999999")]
    [InlineData("peek", "orders", "--after", "-1")]
    [InlineData("dead-letters", "show", "orders")]
    [InlineData("dead-letters", "show", "orders", "abc")]
    [InlineData("dead-letters", "show", "orders", "0")]
    [InlineData("dead-letters", "redrive", "orders")]
    [InlineData("dead-letters", "redrive", "orders", "1", "--all")]
    [InlineData("dead-letters", "delete", "orders", "--all", "--error-contains", "x")]
    [InlineData("dead-letters", "delete", "orders", "--error-contains", "")]
    [InlineData("dead-letters", "delete", "orders", "-5")]
    [InlineData("channels", "--interval", "soon")]
    [InlineData("channels", "--sort", "size")]
    [InlineData("stats", "--interval", "2d")]
    public async Task MistakesAreUsageErrorsFoundBeforeConnecting(params string[] arguments)
    {
        var (code, _, error) = await RunAsync([.. arguments, "--data", Nowhere]);

        Assert.True(code == ExitCodes.Usage, $"exit code {code}: {error}");
        Assert.StartsWith("broker: ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Nowhere));
    }

    [Fact]
    public async Task ABranchWithoutItsCommandIsAUsageErrorWithHelp()
    {
        var (code, output, _) = await RunAsync("dead-letters");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("redrive", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoBrokerGivenIsAUsageErrorThatSaysHowToGiveOne()
    {
        var (code, _, error) = await RunAsync("channels");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--server", error, StringComparison.Ordinal);
        Assert.Contains("--data", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValidCommandLineReachesTheBroker()
    {
        var (code, _, error) = await RunAsync("dead-letters", "redrive", "orders", "1", "2", "--yes", "--data", Nowhere);

        Assert.Equal(ExitCodes.CannotConnect, code);
        Assert.Contains(Nowhere, error, StringComparison.Ordinal);
    }

    // Help text is rendered as markup: a bracket in an option's description must not break it.
    [Theory]
    [InlineData("channels")]
    [InlineData("peek")]
    [InlineData("purge")]
    [InlineData("stats")]
    [InlineData("dead-letters", "list")]
    [InlineData("dead-letters", "show")]
    [InlineData("dead-letters", "redrive")]
    [InlineData("dead-letters", "delete")]
    public async Task EveryCommandHasHelp(params string[] command)
    {
        var (code, output, error) = await RunAsync([.. command, "--help"]);

        Assert.True(code == 0, $"exit code {code}: {error}");
        Assert.Contains("--server", output, StringComparison.Ordinal);
        Assert.Contains("[ipv6]:port", output, StringComparison.Ordinal);
        Assert.Contains("--json", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpListsEveryCommand()
    {
        var (code, output, _) = await RunAsync("--help");
        var (branchCode, branch, _) = await RunAsync("dead-letters", "--help");

        Assert.Equal(0, code);
        Assert.Equal(0, branchCode);
        foreach (var command in new[] { "channels", "peek", "dead-letters", "purge", "stats" })
            Assert.Contains(command, output, StringComparison.Ordinal);
        foreach (var command in new[] { "list", "show", "redrive", "delete" })
            Assert.Contains(command, branch, StringComparison.Ordinal);
    }
}

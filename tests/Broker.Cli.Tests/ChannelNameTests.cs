using Broker.Cli.Tests.Infrastructure;

namespace Broker.Cli.Tests;

/// <summary>
/// A channel name no channel can have is a usage error (exit code 2), said with the naming rule before the broker is
/// contacted, as docs/cli.md promises for a value that does not parse: not the server's refusal passed on as code 1.
/// </summary>
public sealed class ChannelNameTests
{
    [Theory]
    [InlineData("peek")]
    [InlineData("purge")]
    [InlineData("dead-letters", "list")]
    [InlineData("dead-letters", "show", "1")]
    public async Task AnInvalidChannelNameIsAUsageErrorFoundBeforeConnecting(params string[] command)
    {
        // A directory that does not exist: were the broker contacted first, the code would be 5 (cannot connect).
        var missing = Path.Combine(Path.GetTempPath(), "broker-cli-no-such-" + Guid.NewGuid().ToString("N"));
        string[] arguments = command.Length > 2
            ? [command[0], command[1], "bad name!", command[2], "--data", missing]
            : [.. command, "bad name!", "--data", missing];
        if (command is ["purge"])
            arguments = [.. arguments, "--yes"];

        var run = (await BrokerCli.RunAsync(arguments)).Exits(2);

        Assert.Contains("contains ' ' at position 3", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }
}

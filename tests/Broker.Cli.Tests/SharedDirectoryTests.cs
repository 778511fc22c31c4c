using Broker.Cli.Tests.Infrastructure;

namespace Broker.Cli.Tests;

/// <summary>
/// A data directory an application hosts and shares (UseEmbedded's default) is managed live through its host's socket:
/// the command line sees the application's channels as they are and may change them, as another process of the
/// application would; a socket left behind by a host that died is passed over for the directory itself.
/// </summary>
public sealed class SharedDirectoryTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AHostedDirectoryIsReadAndChangedThroughItsHost()
    {
        await using var host = TestBroker.Embedded(_directory.Path);
        await host.ProduceOrdersAsync(3);
        await host.DeadLetterPaymentsAsync(2, number => $"card {number} declined");
        var data = new[] { "--data", _directory.Path };

        var channels = (await BrokerCli.RunAsync(["channels", "--interval", "0", "--json", .. data])).Exits(0);
        (await BrokerCli.RunAsync(["dead-letters", "delete", "cli/payments", "--all", "--yes", .. data])).Exits(0);
        (await BrokerCli.RunAsync(["purge", "cli/orders", "--yes", .. data])).Exits(0);
        var after = (await BrokerCli.RunAsync(["channels", "--interval", "0", "--json", .. data])).Exits(0).Json();

        Assert.DoesNotContain("Read-only", channels.Error, StringComparison.Ordinal);
        var before = channels.Json().GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(3, before["cli/orders"].GetProperty("ready").GetInt64());
        Assert.Equal(2, before["cli/payments"].GetProperty("deadLetters").GetInt64());
        // The changes reached the host's engine: the application sees them, and a channel left with nothing is forgotten.
        Assert.Empty(await host.Payments.DeadLetters.ListAsync());
        Assert.DoesNotContain(after.GetProperty("channels").EnumerateArray(), c => c.GetProperty("ready").GetInt64() > 0);
    }
}

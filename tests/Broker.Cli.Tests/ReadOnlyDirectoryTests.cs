using Broker.Cli.Tests.Infrastructure;

namespace Broker.Cli.Tests;

/// <summary>
/// A data directory another process holds without sharing it (here: this test process, with the embedded broker open on
/// it and Shared = false) opens as a read-only snapshot: reading works and says so on standard error; a change is refused with its own exit code and
/// the broker's explanation, without asking first, and changes nothing.
/// </summary>
public sealed class ReadOnlyDirectoryTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AHeldDirectoryIsReadButNotChanged()
    {
        await using var holder = TestBroker.Embedded(_directory.Path, shared: false);
        await holder.ProduceOrdersAsync(2);
        await holder.DeadLetterPaymentsAsync(1, _ => "card declined");
        var data = new[] { "--data", _directory.Path };

        var channels = (await BrokerCli.RunAsync(["channels", "--interval", "0", "--json", .. data])).Exits(0);
        var stats = (await BrokerCli.RunAsync(["stats", "--interval", "0", "--json", .. data])).Exits(0).Json();
        var peek = (await BrokerCli.RunAsync(["peek", "cli/orders", "--json", .. data])).Exits(0).Json();
        var redrive = (await BrokerCli.RunAsync(["dead-letters", "redrive", "cli/payments", "--all", .. data])).Exits(4);
        var delete = (await BrokerCli.RunAsync(["dead-letters", "delete", "cli/payments", "--all", "--yes", .. data])).Exits(4);
        var purge = (await BrokerCli.RunAsync(["purge", "cli/orders", .. data])).Exits(4);

        Assert.Contains("Read-only", channels.Error, StringComparison.Ordinal);
        Assert.Contains("in use by", channels.Error, StringComparison.Ordinal);
        Assert.Equal(2, channels.Json().GetProperty("channels").GetArrayLength());
        Assert.True(stats.GetProperty("readOnly").GetBoolean());
        Assert.Contains("in use by", stats.GetProperty("readOnlyReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, peek.GetProperty("messages").GetArrayLength());
        foreach (var refused in new[] { redrive, delete, purge })
        {
            Assert.Contains("read-only", refused.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("--yes", refused.Error, StringComparison.Ordinal);
        }
        Assert.Single(await holder.Payments.DeadLetters.ListAsync());
    }
}

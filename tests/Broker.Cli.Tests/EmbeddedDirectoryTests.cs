using System.Text.Json;
using Broker.Cli.Tests.Infrastructure;

namespace Broker.Cli.Tests;

/// <summary>
/// The command line against an embedded data directory the test prepared (<c>--data</c>): each command's output and
/// exit code, <c>--json</c> parsed, and what a change leaves for the next application that opens the directory.
/// </summary>
public sealed class EmbeddedDirectoryTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Data => _directory.Path;

    private async Task SeedAsync(int orders = 3, int payments = 2)
    {
        await using var broker = TestBroker.Embedded(Data);
        await broker.ProduceOrdersAsync(orders, new Dictionary<string, string> { ["correlation-id"] = "abc-123" });
        await broker.DeadLetterPaymentsAsync(payments, number => $"card {number} declined");
    }

    [Fact]
    public async Task ChannelsListsEveryChannelWithItsCounts()
    {
        await SeedAsync();

        var table = (await BrokerCli.RunAsync("channels", "--data", Data, "--interval", "0")).Exits(0);
        var json = (await BrokerCli.RunAsync("channels", "--data", Data, "--interval", "200ms", "--json")).Exits(0).Json();

        Assert.Contains("cli/orders", table.Output, StringComparison.Ordinal);
        Assert.Contains("cli/payments", table.Output, StringComparison.Ordinal);
        Assert.Equal(0.2, json.GetProperty("intervalSeconds").GetDouble(), 3);
        var channels = json.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(3, channels["cli/orders"].GetProperty("ready").GetInt64());
        Assert.Equal(0, channels["cli/orders"].GetProperty("deadLetters").GetInt64());
        Assert.Equal(2, channels["cli/payments"].GetProperty("deadLetters").GetInt64());
        Assert.Equal(0, channels["cli/payments"].GetProperty("ready").GetInt64());
        Assert.Equal(JsonValueKind.Number, channels["cli/orders"].GetProperty("producedPerSecond").ValueKind);
    }

    [Fact]
    public async Task ChannelsFilterKeepsMatchingNamesOnly()
    {
        await SeedAsync(orders: 1, payments: 1);

        var contains = (await BrokerCli.RunAsync("channels", "pay", "--data", Data, "--interval", "0", "--json")).Exits(0).Json();
        var pattern = (await BrokerCli.RunAsync("channels", "cli/o*", "--data", Data, "--interval", "0", "--json")).Exits(0).Json();
        var none = (await BrokerCli.RunAsync("channels", "nothing-like-this", "--data", Data, "--interval", "0")).Exits(0);

        Assert.Equal(["cli/payments"], contains.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["cli/orders"], pattern.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Contains("no channels matching 'nothing-like-this'", none.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLettersListAndShowGiveErrorsAndThePayloadAsJson()
    {
        await SeedAsync(orders: 0, payments: 2);

        var list = (await BrokerCli.RunAsync("dead-letters", "list", "cli/payments", "--data", Data, "--json")).Exits(0).Json();
        var entries = list.GetProperty("deadLetters").EnumerateArray().ToList();
        var first = entries[0].GetProperty("id").GetInt64();
        var show = (await BrokerCli.RunAsync("dead-letters", "show", "cli/payments", first.ToString(), "--data", Data, "--json")).Exits(0).Json();
        var text = (await BrokerCli.RunAsync("dead-letters", "show", "cli/payments", first.ToString(), "--data", Data)).Exits(0);
        var table = (await BrokerCli.RunAsync("dead-letters", "list", "cli/payments", "--data", Data)).Exits(0);

        Assert.Equal(2, entries.Count);
        Assert.False(list.GetProperty("more").GetBoolean());
        Assert.Contains("card 1 declined", entries[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, entries[0].GetProperty("tries").GetInt32());
        Assert.Equal(first, show.GetProperty("id").GetInt64());
        Assert.Equal(1, show.GetProperty("payload").GetProperty("Number").GetInt32());
        Assert.Contains("card 1 declined", show.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"Number\": 1", text.Output, StringComparison.Ordinal);
        Assert.Contains("card 1 declined", text.Output, StringComparison.Ordinal);
        Assert.Contains("card 2 declined", table.Output, StringComparison.Ordinal);
        Assert.Contains("2 dead letters of 'cli/payments'", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedriveByIdPutsTheMessageBackForAConsumer()
    {
        await SeedAsync(orders: 0, payments: 2);
        var list = (await BrokerCli.RunAsync("dead-letters", "list", "cli/payments", "--data", Data, "--json")).Exits(0).Json();
        var id = list.GetProperty("deadLetters")[1].GetProperty("id").GetInt64();

        var redrive = (await BrokerCli.RunAsync("dead-letters", "redrive", "cli/payments", id.ToString(), "--yes", "--data", Data, "--json")).Exits(0).Json();

        Assert.Equal("redrive", redrive.GetProperty("action").GetString());
        Assert.Equal(1, redrive.GetProperty("done").GetInt64());
        await using var broker = TestBroker.Embedded(Data);
        var received = new TaskCompletionSource<(long Id, int Number, int Tries)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (await broker.Payments.ConsumeAsync((message, _) =>
        {
            received.TrySetResult((message.Id, message.Data.Number, message.Tries));
            return ValueTask.CompletedTask;
        }))
        {
            var (receivedId, number, _) = await received.Task.WaitAsync(Waits.Generous);
            Assert.Equal(id, receivedId);
            Assert.Equal(2, number);
        }
        Assert.Single(await broker.Payments.DeadLetters.ListAsync());
    }

    [Fact]
    public async Task ChangesWithoutYesAreRefusedWhenStandardInputIsNotATerminal()
    {
        await SeedAsync(orders: 1, payments: 1);

        var redrive = (await BrokerCli.RunAsync("dead-letters", "redrive", "cli/payments", "--all", "--data", Data)).Exits(6);
        var delete = (await BrokerCli.RunAsync("dead-letters", "delete", "cli/payments", "--all", "--data", Data)).Exits(6);
        var purge = (await BrokerCli.RunAsync("purge", "cli/orders", "--data", Data)).Exits(6);
        var after = (await BrokerCli.RunAsync("channels", "--data", Data, "--interval", "0", "--json")).Exits(0).Json();

        foreach (var run in new[] { redrive, delete, purge })
        {
            Assert.Contains("--yes", run.Error, StringComparison.Ordinal);
            Assert.Contains("nothing was changed", run.Error, StringComparison.Ordinal);
        }
        var channels = after.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(1, channels["cli/payments"].GetProperty("deadLetters").GetInt64());
        Assert.Equal(1, channels["cli/orders"].GetProperty("ready").GetInt64());
    }

    [Fact]
    public async Task DeleteByErrorTextRemovesOnlyTheMatchingDeadLetters()
    {
        await SeedAsync(orders: 0, payments: 3);

        var delete = (await BrokerCli.RunAsync("dead-letters", "delete", "cli/payments", "--error-contains", "CARD 2", "--yes", "--data", Data)).Exits(0);
        var list = (await BrokerCli.RunAsync("dead-letters", "list", "cli/payments", "--data", Data, "--json")).Exits(0).Json();

        Assert.Contains("Deleted 1 dead letter of 'cli/payments'", delete.Output, StringComparison.Ordinal);
        var errors = list.GetProperty("deadLetters").EnumerateArray().Select(e => e.GetProperty("error").GetString()!).ToList();
        Assert.Equal(2, errors.Count);
        Assert.DoesNotContain(errors, e => e.Contains("card 2", StringComparison.Ordinal));
    }

    // More dead letters than one page of the selection (200): every page is read and every one re-driven.
    [Fact]
    public async Task RedriveAllCoversEveryPage()
    {
        await SeedAsync(orders: 0, payments: 450);

        var redrive = (await BrokerCli.RunAsync("dead-letters", "redrive", "cli/payments", "--all", "--yes", "--data", Data, "--json")).Exits(0).Json();
        var after = (await BrokerCli.RunAsync("channels", "cli/payments", "--data", Data, "--interval", "0", "--json")).Exits(0).Json();

        Assert.Equal(450, redrive.GetProperty("selected").GetInt64());
        Assert.Equal(450, redrive.GetProperty("done").GetInt64());
        var channel = after.GetProperty("channels")[0];
        Assert.Equal(0, channel.GetProperty("deadLetters").GetInt64());
        Assert.Equal(450, channel.GetProperty("ready").GetInt64());
    }

    [Fact]
    public async Task UnknownChannelsAndIdsGiveTheNotFoundCode()
    {
        await SeedAsync(orders: 1, payments: 1);

        var runs = new[]
        {
            await BrokerCli.RunAsync("peek", "no/such", "--data", Data),
            await BrokerCli.RunAsync("dead-letters", "list", "no/such", "--data", Data),
            await BrokerCli.RunAsync("purge", "no/such", "--yes", "--data", Data),
            await BrokerCli.RunAsync("dead-letters", "show", "cli/payments", "999999", "--data", Data),
            await BrokerCli.RunAsync("dead-letters", "redrive", "cli/payments", "999999", "--yes", "--data", Data),
        };

        foreach (var run in runs)
            run.Exits(3);
        Assert.Contains("no channel 'no/such'", runs[0].Error, StringComparison.Ordinal);
        Assert.Contains("999999", runs[3].Error, StringComparison.Ordinal);
        Assert.Contains("999999", runs[4].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedriveOfSeveralIdsDoesTheFoundOnesAndReportsTheMissingOne()
    {
        await SeedAsync(orders: 0, payments: 1);
        var id = (await BrokerCli.RunAsync("dead-letters", "list", "cli/payments", "--data", Data, "--json")).Json().GetProperty("deadLetters")[0].GetProperty("id").GetInt64();

        var run = (await BrokerCli.RunAsync("dead-letters", "redrive", "cli/payments", id.ToString(), "777777", "--yes", "--data", Data, "--json")).Exits(3);

        var json = run.Json();
        Assert.Equal(1, json.GetProperty("done").GetInt64());
        Assert.Equal([777777L], json.GetProperty("notFound").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Contains("777777", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingOrForeignDirectoryCannotBeOpened()
    {
        using var empty = new TempDirectory();
        var missing = Path.Combine(Data, "not-there");

        var gone = (await BrokerCli.RunAsync("channels", "--data", missing)).Exits(5);
        var foreign = (await BrokerCli.RunAsync("channels", "--data", empty.Path)).Exits(5);

        Assert.Contains(missing, gone.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing), "Opening a missing directory created it.");
        Assert.Contains(empty.Path, foreign.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatsDescribeTheDirectoryAndItsLog()
    {
        await SeedAsync(orders: 2, payments: 1);

        var json = (await BrokerCli.RunAsync("stats", "--data", Data, "--interval", "0", "--json")).Exits(0).Json();
        var text = (await BrokerCli.RunAsync("stats", "--data", Data, "--interval", "100ms")).Exits(0);

        Assert.Equal("embedded", json.GetProperty("kind").GetString());
        Assert.Equal(Data, json.GetProperty("description").GetString());
        Assert.False(json.GetProperty("readOnly").GetBoolean());
        Assert.Equal(2, json.GetProperty("channels").GetInt32());
        Assert.True(json.GetProperty("log").GetProperty("segments").GetInt32() >= 1, json.ToString());
        Assert.Contains("embedded", text.Output, StringComparison.Ordinal);
        Assert.Contains("segment", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeRemovesWaitingMessagesAndKeepsDeadLetters()
    {
        await SeedAsync(orders: 5, payments: 1);

        var purge = (await BrokerCli.RunAsync("purge", "cli/orders", "--yes", "--data", Data)).Exits(0);
        var dead = (await BrokerCli.RunAsync("purge", "cli/payments", "--yes", "--data", Data, "--json")).Exits(0).Json();
        var after = (await BrokerCli.RunAsync("channels", "--data", Data, "--interval", "0", "--json")).Exits(0).Json();

        Assert.Contains("Purged 'cli/orders': removed 5 messages.", purge.Output, StringComparison.Ordinal);
        Assert.Equal(0, dead.GetProperty("removed").GetInt64());
        // A channel left with nothing (no messages, dead letters or workers) is forgotten by the broker.
        var channels = after.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.False(channels.TryGetValue("cli/orders", out var orders) && orders.GetProperty("ready").GetInt64() != 0, after.ToString());
        Assert.Equal(1, channels["cli/payments"].GetProperty("deadLetters").GetInt64());
    }

    // Ctrl+C stops a command that waits (here between the two snapshots of the rates) with its own exit code, and the
    // directory is released for the application.
    [Fact]
    public async Task AnInterruptedCommandExitsWith130AndReleasesTheDirectory()
    {
        await SeedAsync(orders: 1, payments: 0);
        var running = BrokerCli.Start(["channels", "--data", Data, "--interval", "60s"], interruptible: true);
        var owner = Path.Combine(Data, "LOCK.owner");
        await Waits.UntilAsync(() => Task.FromResult(File.Exists(owner) && File.ReadAllText(owner).StartsWith($"process {running.Id} ", StringComparison.Ordinal)), "the command to hold the directory");

        await running.InterruptAsync();
        var run = (await running.Completion).Exits(130);

        Assert.Contains("Interrupted", run.Error, StringComparison.Ordinal);
        await using var broker = TestBroker.Embedded(Data);
        await broker.ProduceOrdersAsync(1);
    }
}

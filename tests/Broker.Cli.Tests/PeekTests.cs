using System.Text.Json;
using Broker.Cli.Tests.Infrastructure;

namespace Broker.Cli.Tests;

/// <summary>
/// <c>broker peek</c> shows messages (ids, state, deliveries, headers, payload as JSON) page by page, and never
/// consumes: the next worker still gets each message as its first delivery.
/// </summary>
public sealed class PeekTests : IDisposable
{
    private const string Token = "peek-token";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task PeekOnADirectoryShowsMessagesPageByPageAndConsumesNothing()
    {
        await using (var seed = TestBroker.Embedded(_directory.Path))
            await seed.ProduceOrdersAsync(3, new Dictionary<string, string> { ["correlation-id"] = "abc-123" });
        var data = new[] { "--data", _directory.Path };

        var all = (await BrokerCli.RunAsync(["peek", "cli/orders", "--json", .. data])).Exits(0).Json();
        var again = (await BrokerCli.RunAsync(["peek", "cli/orders", "--json", .. data])).Exits(0).Json();
        var first = (await BrokerCli.RunAsync(["peek", "cli/orders", "--limit", "2", "--json", .. data])).Exits(0).Json();
        var rest = (await BrokerCli.RunAsync(["peek", "cli/orders", "--after", first.GetProperty("nextAfter").GetInt64().ToString(), "--json", .. data])).Exits(0).Json();
        var text = (await BrokerCli.RunAsync(["peek", "cli/orders", "--limit", "2", .. data])).Exits(0);

        var messages = all.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(3, messages.Count);
        Assert.False(all.GetProperty("more").GetBoolean());
        Assert.All(messages, m =>
        {
            Assert.Equal("ready", m.GetProperty("state").GetString());
            Assert.Equal(0, m.GetProperty("deliveryCount").GetInt32());
            Assert.Equal("abc-123", m.GetProperty("headers").GetProperty("correlation-id").GetString());
        });
        Assert.Equal([1, 2, 3], messages.Select(m => m.GetProperty("payload").GetProperty("Number").GetInt32()));
        Assert.Equal("customer 1", messages[0].GetProperty("payload").GetProperty("Customer").GetString());
        Assert.Equal(all.GetProperty("messages").ToString(), again.GetProperty("messages").ToString());
        Assert.Equal(2, first.GetProperty("messages").GetArrayLength());
        Assert.True(first.GetProperty("more").GetBoolean());
        Assert.Equal(3, rest.GetProperty("messages")[0].GetProperty("payload").GetProperty("Number").GetInt32());
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextAfter").ValueKind);
        Assert.Contains("\"Customer\": \"customer 1\"", text.Output, StringComparison.Ordinal);
        Assert.Contains("correlation-id: abc-123", text.Output, StringComparison.Ordinal);
        Assert.Contains("more follow: --after", text.Output, StringComparison.Ordinal);

        await using var broker = TestBroker.Embedded(_directory.Path);
        Assert.Equal(1, await FirstDeliveryTriesAsync(broker));
    }

    [Fact]
    public async Task PeekOnAServerShowsInFlightAndDelayedMessagesAndLeavesThemAlone()
    {
        await using var server = await ServerProcess.StartAsync("--token", Token);
        await using var broker = TestBroker.Server(server.Address, Token);
        await broker.Orders.ProduceAsync(new Order(1, "now", []));
        await broker.Orders.ProduceAsync(new Order(2, "later", []), new ProduceOptions { Delay = TimeSpan.FromHours(1) });
        var environment = new Dictionary<string, string> { ["BROKER_SERVER"] = server.Address, ["BROKER_TOKEN"] = Token };
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        JsonElement during;
        await using (await broker.Orders.ConsumeAsync(async (message, _) =>
        {
            holding.TrySetResult();
            await release.Task;
            completed.TrySetResult(message.Tries);
        }))
        {
            await holding.Task.WaitAsync(Waits.Generous);
            during = (await BrokerCli.RunAsync(["peek", "cli/orders", "--json"], environment)).Exits(0).Json();
            release.TrySetResult();
            // The worker's lease was not disturbed: it completes the message as its first delivery.
            Assert.Equal(1, await completed.Task.WaitAsync(Waits.Generous));
        }
        var after = (await BrokerCli.RunAsync(["peek", "cli/orders", "--json"], environment)).Exits(0).Json();

        var byNumber = during.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("payload").GetProperty("Number").GetInt32());
        Assert.Equal("inFlight", byNumber[1].GetProperty("state").GetString());
        Assert.Equal(1, byNumber[1].GetProperty("deliveryCount").GetInt32());
        Assert.Equal("delayed", byNumber[2].GetProperty("state").GetString());
        Assert.Equal(0, byNumber[2].GetProperty("deliveryCount").GetInt32());
        Assert.True(byNumber[2].GetProperty("dueAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(50));
        var remaining = Assert.Single(after.GetProperty("messages").EnumerateArray());
        Assert.Equal(2, remaining.GetProperty("payload").GetProperty("Number").GetInt32());
        Assert.Equal(0, remaining.GetProperty("deliveryCount").GetInt32());
    }

    private static async Task<int> FirstDeliveryTriesAsync(TestBroker broker)
    {
        var received = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (await broker.Orders.ConsumeAsync((message, _) =>
        {
            received.TrySetResult(message.Tries);
            return ValueTask.CompletedTask;
        }))
        {
            return await received.Task.WaitAsync(Waits.Generous);
        }
    }
}

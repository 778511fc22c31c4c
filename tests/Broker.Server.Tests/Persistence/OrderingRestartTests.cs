using Broker.Conformance;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Persistence;

/// <summary>Ordering keys travel with each produce and are kept in the server's log: key lines survive a restart.</summary>
public sealed class OrderingRestartTests
{
    private static readonly ChannelDefinition Accounts = new("accounts/changed", ordered: true);

    [Fact]
    public async Task KeyLinesSurviveAServerRestart()
    {
        using var data = new TempDirectory();
        var ids = new Dictionary<string, long>();
        await using (var first = await TestServer.StartAsync(dataDirectory: data.Path))
        {
            await using var client = first.CreateTransport();
            var channel = await client.OpenChannelAsync(Accounts, CancellationToken.None);
            foreach (var (key, name) in new[] { ("a", "a1"), ("a", "a2"), ("b", "b1"), ("a", "a3") })
                ids[name] = (await channel.ProduceAsync(Payloads.Message(Accounts, name).Message with { OrderingKey = key }, CancellationToken.None)).MessageId;
        }

        await using var restarted = await TestServer.StartAsync(dataDirectory: data.Path);
        await using var worker = restarted.CreateTransport();
        var subscription = await worker.SubscribeAsync(Accounts, new SubscriptionSettings(10, TimeSpan.FromMinutes(1)), CancellationToken.None);
        var heads = new[] { await NextAsync(subscription), await NextAsync(subscription) };
        Assert.Equal(new[] { ids["a1"], ids["b1"] }.Order(), heads.Select(d => d.Id).Order());
        // Nothing more of key a until its head completes.
        Assert.False(subscription.Deliveries.TryRead(out _));
        await subscription.CompleteAsync(heads.Single(d => d.Id == ids["a1"]), CancellationToken.None);
        var second = await NextAsync(subscription);
        Assert.Equal(ids["a2"], second.Id);
        await subscription.CompleteAsync(second, CancellationToken.None);
        Assert.Equal(ids["a3"], (await NextAsync(subscription)).Id);
        await subscription.DisposeAsync();
    }

    private static async Task<Delivery> NextAsync(ITransportSubscription subscription) =>
        await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Broker.Conformance.Waits.Generous);
}

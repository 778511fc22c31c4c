using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Nats.Tests.Transport;

/// <summary>
/// Credit: a subscription whose handlers are nearly all busy still takes the next message into its last free slot,
/// never more than its credit, and a backlog arrives whole and once.
/// </summary>
public sealed class PullCreditTests(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    [NatsFact]
    public async Task TheLastFreeSlotStillTakesAMessageWhileTheOthersAreHeld()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("jobs/last-slot");
        await using var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(8, TimeSpan.FromMinutes(1)), CancellationToken.None);
        var held = new List<Delivery>();
        for (var i = 0; i < 7; i++)
        {
            await transport.ProduceAsync(Payloads.Message(channel, $"slow {i}"), CancellationToken.None);
            held.Add(await subscription.NextAsync());
        }

        // One credit free: it is pulled for.
        await transport.ProduceAsync(Payloads.Message(channel, "last"), CancellationToken.None);
        var last = await subscription.NextAsync();
        Assert.Equal("last", last.Text());

        // Full now: nothing more comes until a slot frees.
        await transport.ProduceAsync(Payloads.Message(channel, "waits"), CancellationToken.None);
        var next = subscription.Deliveries.ReadAsync().AsTask();
        Assert.NotSame(next, await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(500))));
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(held[0], CancellationToken.None));
        Assert.Equal("waits", (await next.WaitAsync(Waits.Generous)).Text());
    }

    [NatsFact]
    public async Task ABacklogIsTakenInBatchesUpToTheCreditAndAllOfItIsDelivered()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("jobs/backlog");
        const int Count = 500;
        for (var i = 0; i < Count; i++)
            await transport.ProduceAsync(Payloads.Message(channel, $"m{i}"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(16, TimeSpan.FromMinutes(1)), CancellationToken.None);
        var seen = new HashSet<string>();
        for (var i = 0; i < Count; i++)
        {
            var delivery = await subscription.NextAsync();
            Assert.True(seen.Add(delivery.Text()), $"{delivery.Text()} was delivered twice.");
            Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, CancellationToken.None));
        }
        Assert.Equal(Count, seen.Count);
    }
}

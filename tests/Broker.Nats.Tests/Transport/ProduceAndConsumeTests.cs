using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Nats.Tests.Transport;

/// <summary>Producing, consuming, deduplication, priority and delay against a real nats-server.</summary>
public sealed class ProduceAndConsumeTests(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    private static readonly SubscriptionSettings OneAtATime = new(1, TimeSpan.FromSeconds(30));

    [NatsFact]
    public async Task ProducedMessageIsDeliveredWithItsIdTriesAndProductionTime()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/registered");
        var before = DateTimeOffset.UtcNow;
        var produced = await transport.ProduceAsync(Payloads.Message(channel, "peter", priority: 3), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(channel, OneAtATime, CancellationToken.None);

        var delivery = await subscription.NextAsync();

        Assert.Equal(ProduceStatus.Enqueued, produced.Status);
        Assert.Equal(produced.MessageId, delivery.Id);
        Assert.Equal("peter", delivery.Text());
        Assert.Equal("user/registered", delivery.Channel);
        Assert.Equal(1, delivery.Tries);
        Assert.Equal(3, delivery.Priority);
        Assert.InRange(delivery.ProducedAt, before - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, CancellationToken.None));
    }

    [NatsFact]
    public async Task ExactlyOnceRepeatIsReportedAsDuplicateOfTheFirstMessage()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/once", QueueMessageProcessing.ExactlyOnce);

        var first = await transport.ProduceAsync(Payloads.Message(channel, "peter"), CancellationToken.None);
        var repeat = await transport.ProduceAsync(Payloads.Message(channel, "peter"), CancellationToken.None);
        var other = await transport.ProduceAsync(Payloads.Message(channel, "paul"), CancellationToken.None);

        Assert.Equal(ProduceStatus.Enqueued, first.Status);
        Assert.Equal(ProduceStatus.Duplicate, repeat.Status);
        Assert.Equal(first.MessageId, repeat.MessageId);
        Assert.Equal(ProduceStatus.Enqueued, other.Status);
        Assert.True(other.MessageId > first.MessageId);
    }

    [NatsFact]
    public async Task DedupWindowEndsThenTheRepeatIsAccepted()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/once-1s", QueueMessageProcessing.ExactlyOnce, TimeSpan.FromSeconds(1));

        Assert.True((await transport.ProduceAsync(Payloads.Message(channel, "peter"), CancellationToken.None)).IsEnqueued);
        Assert.True((await transport.ProduceAsync(Payloads.Message(channel, "peter"), CancellationToken.None)).IsDuplicate);
        // Real time has to pass: the window lives on the server side (in the ledger), not on a fake clock.
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        Assert.True((await transport.ProduceAsync(Payloads.Message(channel, "peter"), CancellationToken.None)).IsEnqueued);
        Assert.True((await transport.ProduceAsync(Payloads.Message(channel, "peter"), CancellationToken.None)).IsDuplicate);
    }

    [NatsFact]
    public async Task APerProduceWindowShorterThanTheStreamsDuplicateWindowIsHonoured()
    {
        await using var transport = fixture.CreateTransport();
        // AtLeastOnce channel: its stream keeps JetStream's two-minute duplicate window.
        var channel = new ChannelDefinition("user/registered");
        var oneSecond = new Deduplication(Payloads.Key("peter"), TimeSpan.FromSeconds(1));

        Assert.True((await transport.ProduceAsync(Payloads.Message(channel, "peter", dedup: oneSecond), CancellationToken.None)).IsEnqueued);
        Assert.True((await transport.ProduceAsync(Payloads.Message(channel, "peter", dedup: oneSecond), CancellationToken.None)).IsDuplicate);
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        Assert.True((await transport.ProduceAsync(Payloads.Message(channel, "peter", dedup: oneSecond), CancellationToken.None)).IsEnqueued);
    }

    [NatsFact]
    public async Task AtLeastOnceEqualPayloadsAreDistinctMessages()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/registered");

        var first = await transport.ProduceAsync(Payloads.Message(channel, "peter"), CancellationToken.None);
        var second = await transport.ProduceAsync(Payloads.Message(channel, "peter"), CancellationToken.None);

        Assert.True(first.IsEnqueued && second.IsEnqueued);
        Assert.NotEqual(first.MessageId, second.MessageId);
    }

    [NatsFact]
    public async Task HigherPriorityGoesFirstThenProductionOrder()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/registered");
        (string Text, int Priority)[] produced = [("low-a", 0), ("high-b", 5), ("low-c", 0), ("high-d", 5), ("urgent-e", 9), ("below-f", -2)];
        foreach (var (text, priority) in produced)
            await transport.ProduceAsync(Payloads.Message(channel, text, priority: priority), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(channel, OneAtATime, CancellationToken.None);

        var order = new List<string>();
        for (var i = 0; i < produced.Length; i++)
        {
            var delivery = await subscription.NextAsync();
            order.Add(delivery.Text());
            await subscription.CompleteAsync(delivery, CancellationToken.None);
        }

        Assert.Equal(["urgent-e", "high-b", "high-d", "low-a", "low-c", "below-f"], order);
    }

    [NatsFact]
    public async Task DelayedMessageIsInvisibleUntilDue()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/registered");
        var delay = TimeSpan.FromSeconds(2);
        var producedAt = DateTimeOffset.UtcNow;
        var delayed = await transport.ProduceAsync(Payloads.Message(channel, "delayed", delay), CancellationToken.None);
        await transport.ProduceAsync(Payloads.Message(channel, "sentinel"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(channel, OneAtATime, CancellationToken.None);

        var first = await subscription.NextAsync();
        await subscription.CompleteAsync(first, CancellationToken.None);
        var second = await subscription.NextAsync();
        var handledAt = DateTimeOffset.UtcNow;

        Assert.Equal("sentinel", first.Text());
        Assert.Equal("delayed", second.Text());
        Assert.Equal(delayed.MessageId, second.Id);
        Assert.Equal(1, second.Tries);
        Assert.True(handledAt - producedAt >= delay, $"Delivered {handledAt - producedAt} after produce; the delay was {delay}.");
    }

    [NatsFact]
    public async Task EachMessageGoesToExactlyOneOfTwoSubscriptions()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/registered");
        await using var a = await transport.SubscribeAsync(channel, new SubscriptionSettings(2, TimeSpan.FromSeconds(30)), CancellationToken.None);
        await using var b = await transport.SubscribeAsync(channel, new SubscriptionSettings(2, TimeSpan.FromSeconds(30)), CancellationToken.None);
        const int count = 40;
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Drain(ITransportSubscription subscription)
        {
            await foreach (var delivery in subscription.Deliveries.ReadAllAsync())
            {
                seen.Add(delivery.Text());
                await subscription.CompleteAsync(delivery, CancellationToken.None);
                if (seen.Count >= count) all.TrySetResult();
            }
        }
        var drainA = Drain(a);
        var drainB = Drain(b);

        for (var i = 0; i < count; i++)
            await transport.ProduceAsync(Payloads.Message(channel, $"m{i}"), CancellationToken.None);
        await all.Task.WaitAsync(Waits.Generous);
        // Whatever was still on its way arrives before the subscriptions close.
        await a.StopDeliveriesAsync(CancellationToken.None);
        await b.StopDeliveriesAsync(CancellationToken.None);
        await Task.WhenAll(drainA, drainB).WaitAsync(Waits.Generous);

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m{i}").Order(), seen.Order());
    }

    [NatsFact]
    public async Task ASubscriptionNeverHoldsMoreThanItsCredit()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/registered");
        for (var i = 0; i < 5; i++)
            await transport.ProduceAsync(Payloads.Message(channel, $"m{i}"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(2, TimeSpan.FromSeconds(30)), CancellationToken.None);

        var first = await subscription.NextAsync();
        var second = await subscription.NextAsync();
        // Two held: a third must wait for a settle. A sentinel check: after a settle, exactly one more arrives.
        using (var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await subscription.Deliveries.ReadAsync(shortWait.Token));
        await subscription.CompleteAsync(first, CancellationToken.None);
        var third = await subscription.NextAsync();

        Assert.Equal(["m0", "m1", "m2"], new[] { first, second, third }.Select(d => d.Text()));
        Assert.False(subscription.Deliveries.TryRead(out _));
    }

    [NatsFact]
    public async Task EmptyOversizedAndOutOfRangeMessagesAreRefusedWithReasons()
    {
        await using var transport = fixture.CreateTransport(o => o.MaxMessageBytes = 100);
        var channel = new ChannelDefinition("user/registered");

        var empty = await Assert.ThrowsAsync<ArgumentException>(async () => await transport.ProduceAsync(new ChannelMessage(channel, ReadOnlyMemory<byte>.Empty, null, TimeSpan.Zero, 0), CancellationToken.None));
        var large = await Assert.ThrowsAsync<ArgumentException>(async () => await transport.ProduceAsync(new ChannelMessage(channel, new byte[101], null, TimeSpan.Zero, 0), CancellationToken.None));
        var priority = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await transport.ProduceAsync(Payloads.Message(channel, "x", priority: 1000), CancellationToken.None));

        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
        Assert.Contains("101 bytes", large.Message, StringComparison.Ordinal);
        Assert.Contains("Priority 1000", priority.Message, StringComparison.Ordinal);
    }
}

using Broker.Engine.Tests.Support;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

public sealed class DispatchTests
{
    [Fact]
    public async Task BacklogWaitsForLateSubscriber()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        await h.Produce(orders, "a");
        await h.Produce(orders, "b");
        Assert.Equal(2, h.Engine.GetStats("orders").Ready);

        var late = await h.Subscribe(orders, maxParallel: 10);

        Assert.Equal(["a", "b"], Drain(late).Select(Text));
        Assert.Equal(2, h.Engine.GetStats("orders").Leased);
    }

    [Fact]
    public async Task EachMessageGoesToExactlyOneSubscription()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var first = await h.Subscribe(orders, maxParallel: 100);
        var second = await h.Subscribe(orders, maxParallel: 100);

        for (var i = 0; i < 50; i++)
            await h.Produce(orders, "m" + i);

        var a = Drain(first);
        var b = Drain(second);
        var ids = a.Concat(b).Select(d => d.Id).ToList();
        Assert.Equal(50, ids.Count);
        Assert.Equal(50, ids.Distinct().Count());
        // Round-robin: both subscriptions had credit the whole time, so they took turns.
        Assert.Equal(25, a.Count);
        Assert.Equal(25, b.Count);
    }

    [Fact]
    public async Task CreditLimitsUnsettledDeliveries()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var worker = await h.Subscribe(orders, maxParallel: 2);
        for (var i = 1; i <= 5; i++)
            await h.Produce(orders, "m" + i);

        var held = Drain(worker);
        Assert.Equal(["m1", "m2"], held.Select(Text));
        AssertNothing(worker);

        Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(held[0], default));

        Assert.Equal("m3", Text(Single(worker)));
        AssertNothing(worker);
    }

    [Fact]
    public async Task HigherPriorityGoesFirstThenProductionOrder()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        await h.Produce(orders, "low-1", priority: 0);
        await h.Produce(orders, "high-1", priority: 5);
        await h.Produce(orders, "low-2", priority: 0);
        await h.Produce(orders, "mid", priority: 1);
        await h.Produce(orders, "high-2", priority: 5);
        await h.Produce(orders, "negative", priority: -3);

        var worker = await h.Subscribe(orders, maxParallel: 1);
        var order = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var delivery = Single(worker);
            order.Add(Text(delivery));
            await worker.CompleteAsync(delivery, default);
        }

        Assert.Equal(["high-1", "high-2", "mid", "low-1", "low-2", "negative"], order);
    }

    [Fact]
    public async Task RetriedMessageGoesBackToItsPlaceByPriorityAndId()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var worker = await h.Subscribe(orders, maxParallel: 1);
        await h.Produce(orders, "first");
        await h.Produce(orders, "second");
        await h.Produce(orders, "third");

        var first = Single(worker);
        Assert.Equal(SettleOutcome.Retrying, await worker.RetryAsync(first, TimeSpan.FromSeconds(1), default));
        var second = Single(worker);
        h.Advance(TimeSpan.FromSeconds(1));
        await worker.CompleteAsync(second, default);

        // "first" is due again and older than "third", so it goes before it.
        Assert.Equal("first", Text(Single(worker)));
    }

    [Fact]
    public async Task DelayedMessageIsInvisibleUntilDue()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var worker = await h.Subscribe(orders, maxParallel: 10);

        await h.Produce(orders, "later", delay: TimeSpan.FromSeconds(10));
        await h.Produce(orders, "now");

        Assert.Equal("now", Text(Single(worker)));
        Assert.Equal(1, h.Engine.GetStats("orders").Delayed);

        h.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        AssertNothing(worker);

        h.Advance(TimeSpan.FromTicks(1));
        var later = Single(worker);
        Assert.Equal("later", Text(later));
        Assert.Equal(EngineHarness.Start, later.ProducedAt);
    }

    [Fact]
    public async Task DueTimeOnlyDecidesVisibilityNotOrder()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        await h.Produce(orders, "delayed-high", priority: 9, delay: TimeSpan.FromSeconds(5));
        await h.Produce(orders, "plain");
        h.Advance(TimeSpan.FromSeconds(5));

        var worker = await h.Subscribe(orders, maxParallel: 1);

        Assert.Equal("delayed-high", Text(Single(worker)));
    }

    [Fact]
    public async Task IdsArePerChannelSequencesStartingAtOne()
    {
        await using var h = new EngineHarness();
        Assert.Equal(1, await h.Produce(Channel("a"), "x"));
        Assert.Equal(2, await h.Produce(Channel("a"), "y"));
        Assert.Equal(1, await h.Produce(Channel("b"), "z"));
    }

    [Fact]
    public async Task DeliveryCarriesTriesProducedAtPriorityAndAnIncreasingToken()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var worker = await h.Subscribe(orders, maxParallel: 2);
        await h.Produce(orders, "a", priority: 3);
        h.Advance(TimeSpan.FromSeconds(1));
        await h.Produce(orders, "b");

        var deliveries = Drain(worker);

        Assert.Equal([1, 1], deliveries.Select(d => d.Tries));
        Assert.Equal([EngineHarness.Start, EngineHarness.Start.AddSeconds(1)], deliveries.Select(d => d.ProducedAt));
        Assert.Equal(3, deliveries[0].Priority);
        Assert.Equal("orders", deliveries[0].Channel);
        Assert.True(deliveries[1].LeaseToken > deliveries[0].LeaseToken);
    }
}

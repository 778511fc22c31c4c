using Broker.Engine.Tests.Support;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

public sealed class StopDeliveriesTests
{
    [Fact]
    public async Task StoppedSubscriptionGetsNothingNewButKeepsItsLeases()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var stopping = await h.Subscribe(orders, maxParallel: 5);
        await h.Produce(orders, "written before stop");
        var inHand = Single(stopping);
        await h.Produce(orders, "unread before stop");

        await stopping.StopDeliveriesAsync(default);
        await h.Produce(orders, "after stop");

        // Already-written deliveries stay readable, then the reader completes.
        Assert.True(stopping.Deliveries.TryRead(out var unread));
        Assert.Equal("unread before stop", Text(unread));
        await stopping.Deliveries.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, h.Engine.GetStats("orders").Ready);

        // Leases are still held: another subscription gets only the new message, and settling still works.
        var other = await h.Subscribe(orders, maxParallel: 5);
        Assert.Equal(["after stop"], Drain(other).Select(Text));
        Assert.Equal(3, h.Engine.GetStats("orders").Leased);
        Assert.Equal(SettleOutcome.Completed, await stopping.CompleteAsync(inHand, default));
        Assert.Equal(SettleOutcome.Released, await stopping.ReleaseAsync(unread, default));
        Assert.Equal(["unread before stop"], Drain(other).Select(Text));
    }

    [Fact]
    public async Task StoppedSubscriptionLeasesAreLostWhenItIsDisposed()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var stopping = await h.Subscribe(orders);
        await h.Produce(orders, "job");
        Single(stopping);
        await stopping.StopDeliveriesAsync(default);
        var other = await h.Subscribe(orders);
        AssertNothing(other);

        await stopping.DisposeAsync();

        Assert.Equal(2, Single(other).Tries);
    }

    [Fact]
    public async Task StoppedSubscriptionLeasesStillExpire()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var stopping = await h.Subscribe(orders, lease: TimeSpan.FromSeconds(5));
        await h.Produce(orders, "job");
        var delivery = Single(stopping);
        await stopping.StopDeliveriesAsync(default);
        var other = await h.Subscribe(orders);

        h.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(2, Single(other).Tries);
        Assert.Equal(SettleOutcome.LeaseLost, await stopping.CompleteAsync(delivery, default));
    }
}

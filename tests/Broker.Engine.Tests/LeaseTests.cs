using Broker.Engine.Tests.Support;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

public sealed class LeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AWorkerThatTakesThousandsOfLeasesWithItIsOneWarningNotOnePerMessage(bool disconnects)
    {
        var logger = new ListLogger();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        await using var h = new EngineHarness(new Storage.MemoryQueueStore(), time);
        await using var engine = new QueueEngine(h.Store, timeProvider: time, logger: logger);
        var orders = Channel();
        for (var i = 0; i < 10_000; i++)
            await engine.ProduceAsync(new ChannelMessage(orders, Bytes("m"), null, TimeSpan.Zero, 0));
        var worker = await engine.SubscribeAsync(orders, new SubscriptionSettings(10_000, Lease));
        Assert.Equal(10_000, Drain(worker).Count);

        if (disconnects)
            await worker.DisposeAsync();
        else
            time.Advance(Lease);

        // Deliverable again (to the same worker, when it is still subscribed), each counted as an attempt.
        Assert.Equal(10_000, engine.GetStats("orders").Unfinished);
        var warnings = logger.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).ToList();
        var line = Assert.Single(warnings);
        Assert.Contains("10000 lease(s) of channel 'orders' lost", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredLeaseRedeliversToAnotherSubscriptionWithOneMoreTry()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var hung = await h.Subscribe(orders, lease: Lease);
        await h.Produce(orders, "job");
        var first = Single(hung);
        var healthy = await h.Subscribe(orders, lease: Lease);
        AssertNothing(healthy);

        h.Advance(Lease - TimeSpan.FromTicks(1));
        AssertNothing(healthy);

        h.Advance(TimeSpan.FromTicks(1));
        var second = Single(healthy);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2, second.Tries);
        AssertNothing(hung);
    }

    [Fact]
    public async Task RenewedLeaseIsKept()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var worker = await h.Subscribe(orders, lease: Lease);
        var other = await h.Subscribe(orders, lease: Lease);
        await h.Produce(orders, "long job");
        var delivery = Single(worker);

        for (var i = 0; i < 5; i++)
        {
            h.Advance(Lease / 2);
            Assert.True(await worker.RenewAsync(delivery, default));
        }
        h.Advance(Lease - TimeSpan.FromTicks(1));

        AssertNothing(other);
        Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(delivery, default));
    }

    [Fact]
    public async Task RenewingALostLeaseFails()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var worker = await h.Subscribe(orders, lease: Lease);
        await h.Produce(orders, "job");
        var delivery = Single(worker);

        h.Advance(Lease);

        Assert.False(await worker.RenewAsync(delivery, default));
    }

    [Fact]
    public async Task DisposedSubscriptionLosesItsLeasesAtOnce()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var crashing = await h.Subscribe(orders, maxParallel: 2, lease: Lease);
        await h.Produce(orders, "a");
        await h.Produce(orders, "b");
        var taken = Drain(crashing);
        Assert.Equal(2, taken.Count);
        var survivor = await h.Subscribe(orders, maxParallel: 2, lease: Lease);

        await crashing.DisposeAsync();

        var redelivered = Drain(survivor);
        Assert.Equal(["a", "b"], redelivered.Select(Text));
        Assert.All(redelivered, d => Assert.Equal(2, d.Tries));
        Assert.Equal(SettleOutcome.LeaseLost, await crashing.CompleteAsync(taken[0], default));
    }

    [Fact]
    public async Task DeliveriesNeverReadAreHandedBackUncountedOnDispose()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var closing = await h.Subscribe(orders, lease: Lease);
        await h.Produce(orders, "unread");

        await closing.DisposeAsync();
        var next = await h.Subscribe(orders, lease: Lease);

        Assert.Equal(1, Single(next).Tries);
    }

    [Fact]
    public async Task ExpiredLeaseAckIsRefused()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var worker = await h.Subscribe(orders, lease: Lease);
        await h.Produce(orders, "job");
        var delivery = Single(worker);

        h.Advance(Lease);

        Assert.Equal(SettleOutcome.LeaseLost, await worker.CompleteAsync(delivery, default));
        Assert.Equal(SettleOutcome.LeaseLost, await worker.FailAsync(delivery, FailureKind.Transient, "boom", default));
        Assert.Equal(SettleOutcome.LeaseLost, await worker.RetryAsync(delivery, TimeSpan.Zero, default));
        Assert.Equal(SettleOutcome.LeaseLost, await worker.ReleaseAsync(delivery, default));
        // Refusals changed nothing: the message is still there, redelivered to the worker that regained its credit.
        var again = Single(worker);
        Assert.Equal(2, again.Tries);
    }

    [Fact]
    public async Task AckAfterRedeliveryIsRefusedAndTheNewOwnerWins()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var zombie = await h.Subscribe(orders, lease: Lease);
        await h.Produce(orders, "job");
        var stale = Single(zombie);
        var owner = await h.Subscribe(orders, lease: Lease);
        h.Advance(Lease);
        var current = Single(owner);
        Assert.True(current.LeaseToken > stale.LeaseToken);

        Assert.Equal(SettleOutcome.LeaseLost, await zombie.CompleteAsync(stale, default));
        Assert.Equal(1, h.Engine.GetStats("orders").Leased);
        Assert.Equal(SettleOutcome.Completed, await owner.CompleteAsync(current, default));
        Assert.Equal(0, h.Engine.GetStats("orders").Unfinished);
    }

    [Fact]
    public async Task ExpiryIsCheckedAtSettleEvenBeforeTheTimerFires()
    {
        await using var h = new EngineHarness(time: new SilentTimersTimeProvider());
        var orders = Channel();
        var worker = await h.Subscribe(orders, lease: Lease);
        await h.Produce(orders, "job");
        var delivery = Single(worker);

        h.Advance(Lease);

        Assert.Equal(SettleOutcome.LeaseLost, await worker.CompleteAsync(delivery, default));
        Assert.Equal(2, Single(worker).Tries);
    }

    [Fact]
    public async Task SettlingWithAnotherSubscriptionIsRefused()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var owner = await h.Subscribe(orders, lease: Lease);
        var other = await h.Subscribe(orders, lease: Lease);
        await h.Produce(orders, "job");
        var delivery = Single(owner);

        Assert.Equal(SettleOutcome.LeaseLost, await other.CompleteAsync(delivery, default));
        Assert.Equal(SettleOutcome.Completed, await owner.CompleteAsync(delivery, default));
    }

    [Fact]
    public async Task LostLeaseOnLastAttemptDeadLettersWithTheReason()
    {
        await using var h = new EngineHarness();
        var orders = Channel(maxAttempts: 2);
        var worker = await h.Subscribe(orders, lease: Lease);
        await h.Produce(orders, "poison");
        Assert.Equal(1, Single(worker).Tries);
        h.Advance(Lease);
        Assert.Equal(2, Single(worker).Tries);

        h.Advance(Lease);

        AssertNothing(worker);
        var dead = Assert.Single(await h.Engine.ListDeadLettersAsync("orders", 0, 10));
        Assert.Equal(2, dead.Tries);
        Assert.Equal("lease lost on delivery 2 of 2 (worker crashed or hung)", dead.Error);
        Assert.Equal(EngineHarness.Start + Lease + Lease, dead.DeadLetteredAt);
    }
}

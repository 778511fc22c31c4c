using Broker.Engine.Management;
using Broker.Engine.Storage;
using Broker.Engine.Tests.Support;
using Broker.Management;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Management;

/// <summary>What the management API counts: messages produced and completed, and the oldest unfinished message.</summary>
public sealed class CountersTests
{
    [Fact]
    public async Task ProducedCountsAcceptedMessagesAndCompletedCountsWhatWorkersCompleted()
    {
        var store = new HookedStore(new MemoryQueueStore());
        await using var h = new EngineHarness(store);
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");
        var users = ExactlyOnce("users");
        for (var key = 1; key <= 5; key++)
            Assert.True((await h.ProduceOnce(users, $"user {key}", (UInt128)key)).IsEnqueued);
        Assert.True((await h.ProduceOnce(users, "again", 1)).IsDuplicate);
        Assert.True((await h.ProduceOnce(users, "again", 2)).IsDuplicate);
        var worker = await h.Subscribe(users, maxParallel: 5);
        var deliveries = Drain(worker);
        foreach (var delivery in deliveries.Take(3))
            await worker.CompleteAsync(delivery, default);
        await worker.FailAsync(deliveries[3], FailureKind.Transient, "flaky", default);
        await worker.FailAsync(deliveries[4], FailureKind.Permanent, "broken", default);
        await h.Engine.RedriveDeadLetterAsync("users", deliveries[4].Id);
        // A completion the store could not record is no completion.
        store.FailAppend = record => record.Kind == StoreRecordKind.Completed ? new IOException("The disk is full.") : null;
        var redriven = Single(worker);
        await Assert.ThrowsAsync<IOException>(() => worker.CompleteAsync(redriven, default).AsTask());

        var summary = await management.GetChannelAsync("users");

        Assert.Equal((5L, 3L), (summary!.Produced, summary.Completed));
        Assert.Equal((5L, 3L), ((await management.GetStatusAsync()).Produced, (await management.GetStatusAsync()).Completed));
    }

    [Fact]
    public async Task MessagesReplayedAfterARestartAreNotCountedAgain()
    {
        var store = new MemoryQueueStore();
        await using (var before = new EngineHarness(store))
        {
            for (var i = 0; i < 4; i++)
                await before.Produce(Channel(), $"m{i}");
        }

        await using var after = new EngineHarness(store);
        var management = new EngineManagement(after.Engine, BrokerKind.InMemory, "in-memory");
        var summary = await management.GetChannelAsync("orders");

        Assert.Equal((4L, 0L, 0L), (summary!.Ready, summary.Produced, summary.Completed));
    }

    [Fact]
    public async Task AChannelForgottenWhileIdleCountsOnWhenItComesBackAndTheTotalsNeverGoDown()
    {
        await using var h = new EngineHarness();
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");
        var worker = await h.Subscribe(Channel(), maxParallel: 10);
        await h.Produce(Channel(), "one");
        await h.Produce(Channel(), "two");
        await h.CompleteAll(worker, "orders");
        await worker.DisposeAsync();
        Assert.False(h.Engine.Holds("orders"));
        var idle = await management.GetStatusAsync();

        await h.Produce(Channel(), "three");
        var back = await management.GetChannelAsync("orders");

        Assert.Equal((0, 2L, 2L), (idle.Channels, idle.Produced, idle.Completed));
        Assert.Equal((3L, 2L), (back!.Produced, back.Completed));
    }

    [Fact]
    public async Task TheOldestUnfinishedMessageIsReadyDelayedOrInFlightButNeverADeadLetter()
    {
        await using var h = new EngineHarness();
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");
        var orders = Channel();
        Assert.Null(await management.GetChannelAsync("orders"));
        var first = await h.Produce(orders, "first");
        h.Advance(TimeSpan.FromMinutes(1));
        var second = await h.Produce(orders, "second");
        h.Advance(TimeSpan.FromMinutes(1));
        await h.Produce(orders, "third", delay: TimeSpan.FromHours(1));
        h.Advance(TimeSpan.FromMinutes(1));
        async Task<DateTimeOffset?> Oldest() => (await management.GetChannelAsync("orders"))?.OldestProducedAt;

        Assert.Equal(Start, await Oldest());
        var worker = await h.Subscribe(orders, maxParallel: 1);
        await worker.FailAsync(Single(worker), FailureKind.Permanent, "broken", default);
        // The first is a dead letter now; the second is in flight.
        var inFlight = Single(worker);
        Assert.Equal(second, inFlight.Id);
        Assert.Equal(Start.AddMinutes(1), await Oldest());
        await h.Engine.RedriveDeadLetterAsync("orders", first);
        Assert.Equal(Start, await Oldest());
        // The re-driven first and the delayed third go; the second, in flight, stays.
        Assert.Equal(2, await h.Engine.PurgeAsync("orders"));
        Assert.Equal(Start.AddMinutes(1), await Oldest());
        await worker.CompleteAsync(inFlight, default);
        Assert.Null(await Oldest());
    }

    [Fact]
    public async Task TwoOverviewsGiveEachChannelsRates()
    {
        await using var h = new EngineHarness();
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");
        var worker = await h.Subscribe(Channel(), maxParallel: 100);
        await h.Produce(Channel(), "before");
        var earlier = await management.ListChannelsAsync();
        for (var i = 0; i < 10; i++)
            await h.Produce(Channel(), $"m{i}");
        await h.CompleteAll(worker, "orders");
        h.Advance(TimeSpan.FromSeconds(5));

        var rates = (await management.ListChannelsAsync()).RatesSince(earlier);

        Assert.Equal(new ChannelRates(2, 11 / 5.0), rates["orders"]);
    }

    [Fact]
    public async Task TheStatusSumsTheChannelsAndCarriesTheLogsFigures()
    {
        await using var h = new EngineHarness();
        var log = new LogStatus(Bytes: 4096, Segments: 2, Fsyncs: 7, FsyncMeanMilliseconds: 1.5, FsyncMaxMilliseconds: 4);
        var embedded = new EngineManagement(h.Engine, BrokerKind.Embedded, "/data", () => log);
        var inMemory = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");
        await h.Produce(Channel("a"), "one");
        await h.Produce(Channel("b"), "two");
        await h.Produce(Channel("b"), "three");
        h.Advance(TimeSpan.FromSeconds(3));

        var status = await embedded.GetStatusAsync();

        Assert.Equal((BrokerKind.Embedded, "/data", false, 2, 3L, 0L), (status.Kind, status.Description, status.ReadOnly, status.Channels, status.Produced, status.Completed));
        Assert.Equal((Start, Start.AddSeconds(3)), (status.StartedAt, status.TakenAt));
        Assert.Same(log, status.Log);
        Assert.Null((await inMemory.GetStatusAsync()).Log);
    }

    [Fact]
    public async Task BadChannelNamesAndLimitsAreRefusedByName()
    {
        await using var h = new EngineHarness();
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");

        await Assert.ThrowsAsync<ArgumentNullException>("channel", () => management.GetChannelAsync(null!).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("channel", () => management.GetChannelAsync("").AsTask());
        await Assert.ThrowsAsync<ArgumentException>("channel", () => management.GetDeadLetterAsync("a//b", 1).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("channel", () => management.RedriveDeadLetterAsync("-x", 1).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("channel", () => management.DeleteDeadLetterAsync(new string('a', 129), 1).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("limit", () => management.ListDeadLettersAsync("orders", 0, 0).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("afterId", () => management.ListDeadLettersAsync("orders", -5, 10).AsTask());
    }

    [Fact]
    public async Task ADeadLetterListingSaysMoreFollowWhenItStopsAtItsLimit()
    {
        await using var h = new EngineHarness();
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");
        var worker = await h.Subscribe(Channel(), maxParallel: 5);
        for (var i = 0; i < 5; i++)
            await h.Produce(Channel(), $"m{i}");
        foreach (var delivery in Drain(worker))
            await worker.FailAsync(delivery, FailureKind.Permanent, "broken", default);

        var first = await management.ListDeadLettersAsync("orders", 0, 3);
        var rest = await management.ListDeadLettersAsync("orders", first.Entries[^1].Id, 3);

        Assert.Equal((3, true, 2, false), (first.Entries.Count, first.More, rest.Entries.Count, rest.More));
    }
}

using Broker.Engine.Storage;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Management;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

/// <summary>The engine's rules for ordering keys (docs/ordering.md), one rule per test, on fake time.</summary>
public sealed class OrderingTests
{
    private static readonly ChannelDefinition Orders = new("orders", maxAttempts: 3, retryDelay: TimeSpan.FromSeconds(10), ordered: true);

    [Fact]
    public async Task OneMessageOfAKeyAtATimeInProductionOrderWhileOtherKeysGo()
    {
        await using var h = new EngineHarness();
        var worker = await h.Subscribe(Orders, maxParallel: 10);
        var a1 = await h.ProduceKeyed(Orders, "a", "a1");
        var a2 = await h.ProduceKeyed(Orders, "a", "a2");
        var b1 = await h.ProduceKeyed(Orders, "b", "b1");
        var a3 = await h.ProduceKeyed(Orders, "a", "a3");
        var free = await h.Produce(Orders, "no key");

        var first = Drain(worker);
        Assert.Equal([a1, b1, free], first.Select(d => d.Id));
        Assert.Equal(3, h.Engine.GetStats("orders").Leased);
        // The two waiting messages of key a are backlog: counted as ready.
        Assert.Equal(2, h.Engine.GetStats("orders").Ready);

        await worker.CompleteAsync(first[0], default);
        var second = Single(worker);
        Assert.Equal(a2, second.Id);
        AssertNothing(worker);
        await worker.CompleteAsync(first[1], default);
        AssertNothing(worker);
        await worker.CompleteAsync(first[2], default);
        await worker.CompleteAsync(second, default);
        Assert.Equal(a3, Single(worker).Id);
    }

    [Fact]
    public async Task AFailingHeadHoldsItsKeyThroughItsRetries()
    {
        await using var h = new EngineHarness();
        var worker = await h.Subscribe(Orders, maxParallel: 10);
        var a1 = await h.ProduceKeyed(Orders, "a", "a1");
        var a2 = await h.ProduceKeyed(Orders, "a", "a2");

        Assert.Equal(SettleOutcome.Retrying, await worker.FailAsync(Single(worker), FailureKind.Transient, "boom", default));
        AssertNothing(worker);
        h.Advance(TimeSpan.FromSeconds(10));
        var retry = Single(worker);
        Assert.Equal((a1, 2), (retry.Id, retry.Tries));
        await worker.CompleteAsync(retry, default);
        Assert.Equal(a2, Single(worker).Id);
    }

    [Fact]
    public async Task ADeadLetteredHeadStepsAsideAndARedriveRejoinsBehindTheHead()
    {
        await using var h = new EngineHarness();
        var worker = await h.Subscribe(Orders, maxParallel: 10);
        var a1 = await h.ProduceKeyed(Orders, "a", "a1");
        var a2 = await h.ProduceKeyed(Orders, "a", "a2");
        var a3 = await h.ProduceKeyed(Orders, "a", "a3");

        Assert.Equal(SettleOutcome.DeadLettered, await worker.FailAsync(Single(worker), FailureKind.Permanent, "poison", default));
        var head = Single(worker);
        Assert.Equal(a2, head.Id);

        // Re-driven while a2 is in a handler: it waits, then goes before a3 (production order among the waiting).
        Assert.True(await h.Engine.RedriveDeadLetterAsync("orders", a1));
        AssertNothing(worker);
        await worker.CompleteAsync(head, default);
        var redriven = Single(worker);
        Assert.Equal((a1, 1), (redriven.Id, redriven.Tries));
        await worker.CompleteAsync(redriven, default);
        Assert.Equal(a3, Single(worker).Id);
    }

    [Fact]
    public async Task AWorkerThatDiesReturnsTheHeadBeforeAnythingAfterIt()
    {
        await using var h = new EngineHarness();
        var dying = await h.Subscribe(Orders, maxParallel: 10);
        var a1 = await h.ProduceKeyed(Orders, "a", "a1");
        var a2 = await h.ProduceKeyed(Orders, "a", "a2");
        Assert.Equal(a1, Single(dying).Id);

        await dying.DisposeAsync();
        var healthy = await h.Subscribe(Orders, maxParallel: 10);
        var again = Single(healthy);
        Assert.Equal((a1, 2), (again.Id, again.Tries));
        await healthy.CompleteAsync(again, default);
        Assert.Equal(a2, Single(healthy).Id);
    }

    [Fact]
    public async Task AnExpiredLeaseAndAHandBackKeepTheHeadFirst()
    {
        await using var h = new EngineHarness();
        var worker = await h.Subscribe(Orders, maxParallel: 10, lease: TimeSpan.FromSeconds(5));
        var a1 = await h.ProduceKeyed(Orders, "a", "a1");
        await h.ProduceKeyed(Orders, "a", "a2");
        var first = Single(worker);

        h.Advance(TimeSpan.FromSeconds(6));
        var afterExpiry = Single(worker);
        Assert.Equal((a1, 2), (afterExpiry.Id, afterExpiry.Tries));
        Assert.Equal(SettleOutcome.LeaseLost, await worker.CompleteAsync(first, default));

        Assert.Equal(SettleOutcome.Released, await worker.ReleaseAsync(afterExpiry, default));
        Assert.Equal(a1, Single(worker).Id);
    }

    [Fact]
    public async Task ADelayedMessageHoldsItsLineUntilItIsDue()
    {
        await using var h = new EngineHarness();
        var worker = await h.Subscribe(Orders, maxParallel: 10);
        var a1 = await h.ProduceKeyed(Orders, "a", "later", delay: TimeSpan.FromMinutes(1));
        var a2 = await h.ProduceKeyed(Orders, "a", "now");
        // A waiting message that was produced delayed keeps its own due time when it reaches the head.
        var a3 = await h.ProduceKeyed(Orders, "a", "in two minutes", delay: TimeSpan.FromMinutes(2));
        AssertNothing(worker);

        h.Advance(TimeSpan.FromMinutes(1));
        var first = Single(worker);
        Assert.Equal(a1, first.Id);
        await worker.CompleteAsync(first, default);
        var second = Single(worker);
        Assert.Equal(a2, second.Id);
        await worker.CompleteAsync(second, default);
        AssertNothing(worker);
        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(a3, Single(worker).Id);
    }

    [Fact]
    public async Task PriorityOrdersHeadsButNeverOvertakesWithinAKey()
    {
        await using var h = new EngineHarness();
        var a1 = await h.ProduceKeyed(Orders, "a", "a1");
        var a2 = await h.ProduceKeyed(Orders, "a", "a2 urgent", priority: 10);
        var b1 = await h.ProduceKeyed(Orders, "b", "b1 urgent", priority: 5);
        var worker = await h.Subscribe(Orders, maxParallel: 1);

        var first = Single(worker);
        Assert.Equal(b1, first.Id);
        await worker.CompleteAsync(first, default);
        var second = Single(worker);
        Assert.Equal(a1, second.Id);
        await worker.CompleteAsync(second, default);
        Assert.Equal(a2, Single(worker).Id);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("log")]
    public async Task LinesSurviveARestartWithTheRetriedHeadFirst(string kind)
    {
        var time = new FakeTimeProvider(Start);
        using var stores = new StoreSequence(kind, time);
        long a1, a2, a3, b1, b2;
        await using (var before = new EngineHarness(stores.Next(), time))
        {
            var worker = await before.Subscribe(Orders, maxParallel: 10);
            a1 = await before.ProduceKeyed(Orders, "a", "a1");
            a2 = await before.ProduceKeyed(Orders, "a", "a2");
            a3 = await before.ProduceKeyed(Orders, "a", "a3");
            b1 = await before.ProduceKeyed(Orders, "b", "b1");
            b2 = await before.ProduceKeyed(Orders, "b", "b2");
            var heads = Drain(worker).ToDictionary(d => d.Id);
            // Key a: a1 dead-lettered, a2 failed once (waiting 10 s for its retry), a1 re-driven behind it.
            await worker.FailAsync(heads[a1], FailureKind.Permanent, "poison", default);
            var a2Delivery = Single(worker);
            await worker.FailAsync(a2Delivery, FailureKind.Transient, "boom", default);
            Assert.True(await before.Engine.RedriveDeadLetterAsync("orders", a1));
            // Key b: b1 in a handler at shutdown.
            Assert.Contains(b1, heads.Keys);
            await worker.StopDeliveriesAsync(default);
        }

        await using var after = new EngineHarness(stores.Next(), time);
        await after.Engine.RecoverAsync();
        Assert.Equal(5, after.Engine.GetStats("orders").Unfinished);
        var worker2 = await after.Subscribe(Orders, maxParallel: 10);
        // b1's lease did not survive: it is b's head again. a2, being retried, is a's head; its retry is not due yet.
        var b = Single(worker2);
        Assert.Equal(b1, b.Id);
        time.Advance(TimeSpan.FromSeconds(10));
        var a = Single(worker2);
        Assert.Equal((a2, 2), (a.Id, a.Tries));
        await worker2.CompleteAsync(b, default);
        Assert.Equal(b2, Single(worker2).Id);
        await worker2.CompleteAsync(a, default);
        var redriven = Single(worker2);
        Assert.Equal(a1, redriven.Id);
        await worker2.CompleteAsync(redriven, default);
        Assert.Equal(a3, Single(worker2).Id);
    }

    [Fact]
    public async Task CompactionCarriesTheKey()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var options = new LogStoreOptions { SegmentBytes = 64 * 1024 };
        var filler = Channel("filler");
        long[] keyed;
        var store = LogQueueStore.Open("/data", fs, options, time, null);
        await using (var h = new EngineHarness(store, time, ownsStore: true))
        {
            keyed = [await h.ProduceKeyed(Orders, "a", "a1"), await h.ProduceKeyed(Orders, "a", "a2"), await h.ProduceKeyed(Orders, "a", "a3")];
            // Fill and drain segments, so the oldest (holding the keyed backlog) is rewritten.
            var worker = await h.Subscribe(filler, maxParallel: 64);
            for (var round = 0; round < 20; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, 200).Select(i => h.Produce(filler, $"r{round}-m{i}: some forty bytes of filler payload")));
                await h.CompleteAll(worker, "filler");
            }
            Assert.True(await store.CompactAsync() > 0, "Expected compaction to rewrite the oldest segment.");
        }

        await using var after = new EngineHarness(LogQueueStore.Open("/data", fs, options, time, null), time, ownsStore: true);
        await after.Engine.RecoverAsync();
        var reader = await after.Subscribe(Orders, maxParallel: 10);
        foreach (var id in keyed)
        {
            var delivery = Single(reader);
            Assert.Equal(id, delivery.Id);
            await reader.CompleteAsync(delivery, default);
        }
        AssertNothing(reader);
    }

    [Fact]
    public async Task PurgeRemovesWaitingMessagesAndTheLineStartsAgain()
    {
        await using var h = new EngineHarness();
        var worker = await h.Subscribe(Orders, maxParallel: 10);
        var a1 = await h.ProduceKeyed(Orders, "a", "a1");
        await h.ProduceKeyed(Orders, "a", "a2");
        await h.ProduceKeyed(Orders, "a", "a3");
        var head = Single(worker);
        Assert.Equal(a1, head.Id);

        Assert.Equal(2, await h.Engine.PurgeAsync("orders"));
        var a4 = await h.ProduceKeyed(Orders, "a", "a4");
        AssertNothing(worker); // a1 still holds the key
        await worker.CompleteAsync(head, default);
        Assert.Equal(a4, Single(worker).Id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AMessageWhoseWriteFinishesFirstStillWaitsForAnEarlierOneOfItsKey(bool earlierFails)
    {
        var store = new HookedStore(new MemoryQueueStore());
        await using var h = new EngineHarness(store);
        var worker = await h.Subscribe(Orders, maxParallel: 10);
        var disk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.HoldEnqueue = record => record.OrderingKey == "a" && record.Id == 1 ? disk.Task : null;

        // a1 has the lower id (it was produced first) but its write is slow; a2's finishes at once. The same happens on
        // the log when two producers race for one group commit, and a restart would then put a1 first again.
        var first = h.ProduceKeyed(Orders, "a", "a1");
        var a2 = await h.ProduceKeyed(Orders, "a", "a2");
        AssertNothing(worker);

        if (earlierFails)
        {
            disk.SetException(new IOException("The disk is full."));
            await Assert.ThrowsAsync<IOException>(() => first);
            Assert.Equal(a2, Single(worker).Id);
            return;
        }
        disk.SetResult();
        var a1 = await first;
        var head = Single(worker);
        Assert.Equal(a1, head.Id);
        await worker.CompleteAsync(head, default);
        Assert.Equal(a2, Single(worker).Id);
    }

    [Fact]
    public async Task AHeadWhosePurgeIsNotStoredComesBackBeforeItsKeysLaterMessages()
    {
        var store = new HookedStore(new MemoryQueueStore());
        await using var h = new EngineHarness(store);
        var a1 = await h.ProduceKeyed(Orders, "a", "a1");
        var disk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.HoldAppend = record => record.Kind == StoreRecordKind.Completed ? disk.Task : null;

        // The purge takes the ready head a1; its removal waits for the disk, which then fails.
        var purge = h.Engine.PurgeAsync("orders").AsTask();
        var a2 = await h.ProduceKeyed(Orders, "a", "a2");
        disk.SetException(new IOException("The disk is full."));
        await Assert.ThrowsAsync<IOException>(() => purge);
        store.HoldAppend = null;

        // a1 is back as it was: before a2, which waited behind it all along.
        var worker = await h.Subscribe(Orders, maxParallel: 10);
        Assert.Equal(a1, Single(worker).Id);
    }

    [Fact]
    public async Task AWaitingMessageWhosePurgeIsNotStoredComesBackBeforeItsKeysLaterMessages()
    {
        var store = new HookedStore(new MemoryQueueStore());
        await using var h = new EngineHarness(store);
        var worker = await h.Subscribe(Orders, maxParallel: 10);
        await h.ProduceKeyed(Orders, "a", "a1");
        var a2 = await h.ProduceKeyed(Orders, "a", "a2");
        var head = Single(worker);
        var disk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.HoldAppend = record => record.Kind == StoreRecordKind.Completed && record.Id == a2 ? disk.Task : null;

        // The purge takes the waiting a2; meanwhile the head completes and a3 is produced.
        var purge = h.Engine.PurgeAsync("orders").AsTask();
        await worker.CompleteAsync(head, default);
        var a3 = await h.ProduceKeyed(Orders, "a", "a3");
        AssertNothing(worker); // a2's removal is not stored yet: a3 must not overtake it
        disk.SetException(new IOException("The disk is full."));
        await Assert.ThrowsAsync<IOException>(() => purge);
        store.HoldAppend = null;

        var next = Single(worker);
        Assert.Equal(a2, next.Id);
        await worker.CompleteAsync(next, default);
        Assert.Equal(a3, Single(worker).Id);
    }

    [Fact]
    public async Task ADrainedOrderedChannelKeepsNoLine()
    {
        await using var h = new EngineHarness();
        var worker = await h.Subscribe(Orders, maxParallel: 4);
        for (var i = 0; i < 100; i++)
            await h.ProduceKeyed(Orders, $"key-{i % 7}", $"m{i}");
        await h.CompleteAll(worker, "orders");
        await worker.DisposeAsync();

        // Forgotten once idle: no line outlives its messages.
        Assert.Empty(h.Engine.Channels);
    }

    [Fact]
    public async Task AnOrderingKeyIsCheckedAtTheEngine()
    {
        await using var h = new EngineHarness();
        var tooLong = new string('k', MessageLimits.MaxOrderingKeyBytes + 1);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.ProduceKeyed(Orders, tooLong, "x"));
        Assert.Contains("ordering key", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => h.ProduceKeyed(Orders, "", "x"));
        // Exactly the limit, in two-byte characters, is accepted.
        await h.ProduceKeyed(Orders, new string('é', MessageLimits.MaxOrderingKeyBytes / 2), "x");
    }
}

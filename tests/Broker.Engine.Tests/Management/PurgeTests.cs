using Broker.Engine.Management;
using Broker.Engine.Storage;
using Broker.Engine.Tests.Log;
using Broker.Engine.Tests.Support;
using Broker.Management;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Management;

/// <summary>Purging removes a channel's ready and delayed messages for good, and nothing else. Serial: their races keep thousands of
/// messages and both cores busy, which would disturb the tests that measure the process.</summary>
[Collection(Serial.Name)]
public sealed class PurgeTests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("log")]
    public async Task APurgeRemovesReadyAndDelayedForGoodAndKeepsInFlightDeadLettersAndDedupKeys(string kind)
    {
        var time = new FakeTimeProvider(Start);
        using var stores = new StoreSequence(kind, time);
        var orders = ExactlyOnce("orders", TimeSpan.FromHours(3));
        long[] leased;
        long[] dead;
        await using (var before = new EngineHarness(stores.Next(), time))
        {
            for (var key = 1; key <= 8; key++)
                Assert.True((await before.ProduceOnce(orders, $"early {key}", (UInt128)key)).IsEnqueued);
            var worker = await before.Subscribe(orders, maxParallel: 8);
            var deliveries = Drain(worker);
            await worker.StopDeliveriesAsync(default);
            foreach (var delivery in deliveries.Take(3))
                await worker.FailAsync(delivery, FailureKind.Permanent, "broken", default);
            dead = [.. deliveries.Take(3).Select(d => d.Id)];
            leased = [.. deliveries.Skip(3).Select(d => d.Id)];
            for (var key = 100; key < 130; key++)
                Assert.True((await before.ProduceOnce(orders, $"ready {key}", (UInt128)key)).IsEnqueued);
            for (var key = 200; key < 210; key++)
            {
                var message = new OutgoingMessage(Bytes($"delayed {key}"), new Deduplication((UInt128)key, TimeSpan.FromHours(3)), TimeSpan.FromHours(1), 0);
                Assert.True((await before.Engine.ProduceAsync("orders", message)).IsEnqueued);
            }
            var management = new EngineManagement(before.Engine, BrokerKind.InMemory, kind);

            Assert.Equal(40, await management.PurgeAsync("orders"));

            var stats = before.Engine.GetStats("orders");
            Assert.Equal((0, 0, 5, 3), (stats.Ready, stats.Delayed, stats.Leased, stats.DeadLettered));
            Assert.Equal(leased, (await management.PeekAsync("orders", 0, 100)).Messages.Select(m => m.Id));
            Assert.Equal(dead, (await management.ListDeadLettersAsync("orders", 0, 100)).Entries.Select(e => e.Id));
            Assert.True((await before.ProduceOnce(orders, "again", 105)).IsDuplicate);
            Assert.Equal(0, await management.PurgeAsync("orders"));
            // Counted as neither produced again nor completed.
            Assert.Equal((48L, 0L), (stats.Produced, stats.Completed));
        }

        // Restarted: the purged messages stay gone, even once the delayed ones would have been due.
        time.Advance(TimeSpan.FromHours(2));
        await using var after = new EngineHarness(stores.Next(), time);
        var recovered = await after.Engine.GetStatsAfterRecovery("orders");
        // Leases are not stored: the messages that were in flight are ready again.
        Assert.Equal((5, 0, 0, 3), (recovered.Ready, recovered.Delayed, recovered.Leased, recovered.DeadLettered));
        Assert.Equal(leased, (await after.Engine.PeekAsync("orders", 0, 100, long.MaxValue)).Messages.Select(m => m.Id));
        Assert.True((await after.ProduceOnce(orders, "again", 120)).IsDuplicate);
        Assert.True((await after.ProduceOnce(orders, "again", 205)).IsDuplicate);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("log")]
    public async Task AMessageProducedDuringAPurgeIsEitherPurgedOrKeptWholeAndARestartAgrees(string kind)
    {
        var time = new FakeTimeProvider(Start);
        using var stores = new StoreSequence(kind, time);
        var orders = Channel();
        const int Messages = 3000;
        long purged;
        long[] kept;
        var produced = new System.Collections.Concurrent.ConcurrentBag<long>();
        await using (var before = new EngineHarness(stores.Next(), time))
        {
            await before.Engine.DeclareAsync(orders);
            // A third is produced before the purge starts; the rest while it runs (the producers wait for it to start:
            // a memory store would let them finish first).
            var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var purging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var producing = Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
            {
                for (var i = p; i < Messages; i += 4)
                {
                    var delay = i % 5 == 0 ? TimeSpan.FromMinutes(1) : TimeSpan.Zero;
                    produced.Add((await before.Engine.ProduceAsync("orders", new OutgoingMessage(Bytes($"m{i}"), null, delay, i % 2))).MessageId);
                    if (produced.Count >= Messages / 3)
                    {
                        halfway.TrySetResult();
                        await purging.Task;
                    }
                }
            })));
            await halfway.Task.WaitAsync(TimeSpan.FromMinutes(1));

            var purge = before.Engine.PurgeAsync("orders");
            purging.SetResult();
            purged = await purge;
            await producing.WaitAsync(TimeSpan.FromMinutes(1));

            kept = await PeekAllIds(before.Engine);
            var stats = before.Engine.GetStats("orders");
            Assert.InRange(purged, Messages / 3, Messages);
            Assert.Equal(Messages, purged + kept.Length);
            Assert.Equal(Messages, produced.Count);
            Assert.Equal(kept.Length, stats.Ready + stats.Delayed);
            Assert.Subset(produced.ToHashSet(), kept.ToHashSet());
        }

        await using var after = new EngineHarness(stores.Next(), time);
        await after.Engine.RecoverAsync();
        Assert.Equal(kept, await PeekAllIds(after.Engine));
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("log")]
    public async Task APurgeRacingAWorkerNeverHandsItAPurgedMessage(string kind)
    {
        var time = new FakeTimeProvider(Start);
        using var stores = new StoreSequence(kind, time);
        var orders = Channel();
        const int Messages = 5000;
        await using (var before = new EngineHarness(stores.Next(), time))
        {
            await before.Engine.DeclareAsync(orders);
            for (var i = 0; i < Messages; i++)
                await before.Engine.ProduceAsync("orders", new OutgoingMessage(Bytes($"m{i}"), null, TimeSpan.Zero, 0));
            var worker = await before.Subscribe(orders, maxParallel: 16);
            var delivered = new List<long>();
            // The worker takes 100, then goes on while the purge runs (with a memory store it would finish first).
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var purging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var consuming = Task.Run(async () =>
            {
                await foreach (var delivery in worker.Deliveries.ReadAllAsync())
                {
                    delivered.Add(delivery.Id);
                    if (delivered.Count == 100)
                    {
                        started.TrySetResult();
                        await purging.Task;
                    }
                    await worker.CompleteAsync(delivery, default);
                }
            });
            await started.Task.WaitAsync(TimeSpan.FromMinutes(1));

            var purge = before.Engine.PurgeAsync("orders");
            purging.SetResult();
            var purged = await purge;

            // Bounded by time, not by a count of passes: on the log each completion waits for a group commit's fsync,
            // which a busy CI disk can stretch past what 100,000 quick passes take (CI once saw 4 still leased).
            var waiting = System.Diagnostics.Stopwatch.StartNew();
            while (before.Engine.GetStats("orders").Unfinished > 0)
            {
                Assert.True(waiting.Elapsed < TimeSpan.FromSeconds(60), $"The worker does not finish: {before.Engine.GetStats("orders")}");
                await Task.Delay(1);
            }
            await worker.StopDeliveriesAsync(default);
            await consuming.WaitAsync(TimeSpan.FromMinutes(1));
            var stats = before.Engine.GetStats("orders");
            Assert.InRange(purged, 1, Messages - 100);
            Assert.Equal(delivered.Count, delivered.Distinct().Count());
            Assert.Equal(Messages, purged + delivered.Count);
            Assert.Equal(delivered.Count, stats.Completed);
        }

        await using var after = new EngineHarness(stores.Next(), time);
        Assert.Equal(0, (await after.Engine.GetStatsAfterRecovery("orders")).Unfinished);
    }

    [Fact]
    public async Task WhenTheStoreFailsWhatItDidNotStoreIsPutBackAsItWas()
    {
        var store = new HookedStore(new MemoryQueueStore());
        await using var h = new EngineHarness(store);
        var orders = Channel();
        var ready = new List<long>();
        for (var i = 0; i < 10; i++)
            ready.Add(await h.Produce(orders, $"m{i}", priority: i % 2));
        var delayed = await h.Produce(orders, "delayed", delay: TimeSpan.FromMinutes(1));
        var failures = 0;
        store.FailAppend = record => record.Kind == StoreRecordKind.Completed && ++failures > 4 ? new IOException("The disk is full.") : null;

        var failure = await Assert.ThrowsAsync<IOException>(() => h.Engine.PurgeAsync("orders").AsTask());

        Assert.Equal("The disk is full.", failure.Message);
        // Four removals were stored before the disk filled up; the rest are back, deliverable in their order.
        var stats = h.Engine.GetStats("orders");
        Assert.Equal(7, stats.Ready + stats.Delayed);
        var peeked = (await h.Engine.PeekAsync("orders", 0, 100, long.MaxValue)).Messages;
        Assert.Contains(peeked, m => m.Id == delayed && m.State == PeekedState.Delayed && m.DueAt == Start.AddMinutes(1));
        store.FailAppend = null;
        var worker = await h.Subscribe(orders, maxParallel: 100);
        var deliveries = Drain(worker);
        Assert.Equal(
            peeked.Where(m => m.State == PeekedState.Ready).OrderByDescending(m => m.Priority).ThenBy(m => m.Id).Select(m => m.Id),
            deliveries.Select(d => d.Id));
        Assert.All(deliveries, d => Assert.Equal(1, d.Tries));
        foreach (var delivery in deliveries)
            await worker.CompleteAsync(delivery, default);
        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(delayed, Single(worker).Id);
    }

    [Fact]
    public async Task PurgingNothingOrAnUnknownChannelRemovesNothingAndBadNamesAreRefused()
    {
        await using var h = new EngineHarness();
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");

        Assert.Equal(0, await management.PurgeAsync("nobody/here"));
        await Assert.ThrowsAsync<ArgumentNullException>("channel", () => management.PurgeAsync(null!).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("channel", () => management.PurgeAsync("").AsTask());
        await Assert.ThrowsAsync<ArgumentException>("channel", () => management.PurgeAsync("two  spaces").AsTask());
    }

    internal static async Task<long[]> PeekAllIds(QueueEngine engine)
    {
        var ids = new List<long>();
        MessagePage page;
        do
        {
            page = await engine.PeekAsync("orders", ids.Count == 0 ? 0 : ids[^1], 1000, long.MaxValue);
            ids.AddRange(page.Messages.Select(m => m.Id));
        }
        while (page.More);
        return [.. ids];
    }
}

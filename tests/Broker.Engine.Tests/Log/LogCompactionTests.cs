using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Log;

public sealed class LogCompactionTests
{
    private static readonly LogStoreOptions Small = new() { SegmentBytes = 64 * 1024 };

    [Fact]
    public async Task SteadyProduceAndConsumeKeepsTheLogBounded()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        await using (var h = new EngineHarness(store, time, ownsStore: true))
        {
            var worker = await h.Subscribe(orders, maxParallel: 64);
            var maxSegments = 0;
            for (var round = 0; round < 100; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, 200).Select(i => h.Produce(orders, $"r{round}-m{i}: some forty bytes of payload")));
                await h.CompleteAll(worker, "orders");
                await store.CompactAsync();
                maxSegments = Math.Max(maxSegments, store.SegmentFiles.Count);
            }

            // 20,000 messages wrote about 2.2 MB of log (35 segments); compaction kept one or two.
            Assert.InRange(maxSegments, 1, 3);
            Assert.InRange(store.Usage.LogBytes, 0, 3 * Small.SegmentBytes);
        }

        await using var after = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true);
        var stats = await after.Engine.GetStatsAfterRecovery("orders");
        // The drained channel holds nothing, so it is forgotten; its ids are still never handed out again.
        Assert.Equal(0, stats.Unfinished);
        Assert.Empty(after.Engine.Channels);
        Assert.True(await after.Produce(orders, "after the restart") > 20_000);
    }

    [Fact]
    public async Task ABacklogOfSmallLiveMessagesIsNeverRewritten()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        await using var h = new EngineHarness(store, time, ownsStore: true);
        await Task.WhenAll(Enumerable.Range(0, 5000).Select(i => h.Produce(Channel(), $"m{i}")));
        var segments = store.SegmentFiles;
        var written = store.WriteCounts.Bytes;
        Assert.True(segments.Count >= 4, $"Expected a backlog over several segments, got {segments.Count}.");

        for (var pass = 0; pass < 3; pass++)
            Assert.Equal(0, await store.CompactAsync());

        // Nothing deleted, nothing copied: every segment is live.
        Assert.Equal(segments, store.SegmentFiles);
        Assert.Equal(written, store.WriteCounts.Bytes);
    }

    [Fact]
    public async Task RewritingAnOldSegmentKeepsEveryLiveMessageWithItsState()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var orders = Channel(maxAttempts: 5, retryDelay: TimeSpan.FromMinutes(30));
        var users = ExactlyOnce("user/registered", TimeSpan.FromHours(2));
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        long readyId, deadId, delayedId, retriedId;
        await using (var h = new EngineHarness(store, time, ownsStore: true))
        {
            readyId = await h.Produce(orders, "ready", priority: 3);
            deadId = await h.Produce(orders, "dead");
            retriedId = await h.Produce(orders, "retried");
            delayedId = await h.Produce(orders, "delayed", delay: TimeSpan.FromHours(1));
            Assert.True((await h.ProduceOnce(users, "peter", key: 42)).IsEnqueued);
            var consumer = await h.Subscribe(users);
            await consumer.CompleteAsync(Single(consumer), default);

            var worker = await h.Subscribe(orders, maxParallel: 3);
            var byId = Drain(worker).ToDictionary(d => d.Id);
            await worker.FailAsync(byId[deadId], FailureKind.Permanent, "cannot be decoded", default);
            await worker.FailAsync(byId[retriedId], FailureKind.Transient, "flaky", default);
            await worker.ReleaseAsync(byId[readyId], default);
            await worker.DisposeAsync();

            // Fill several segments with traffic that is consumed at once.
            var filler = await h.Subscribe(Channel("filler"), maxParallel: 1000);
            for (var i = 0; i < 3000; i++)
                await h.Produce(Channel("filler"), $"filler {i} with some bytes to fill the segments up");
            await h.CompleteAll(filler, "filler");
            var before = store.SegmentFiles.Count;

            await store.CompactAsync();

            Assert.True(store.SegmentFiles.Count <= 2, $"Compaction left {store.SegmentFiles.Count} of {before} segments.");
            // The copies are what the engine reads now.
            Assert.Equal("dead", Text((await h.Engine.GetDeadLetterAsync("orders", deadId))!));
        }

        await using var after = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true);
        var dead = await after.Engine.GetDeadLetterAsync("orders", deadId);
        Assert.Equal(("dead", 1, "cannot be decoded"), (Text(dead!), dead!.Tries, dead.Error));
        Assert.Equal(new ProduceResult(ProduceStatus.Duplicate, 1), await after.ProduceOnce(users, "peter", key: 42));

        var next = await after.Subscribe(orders, maxParallel: 10);
        var ready = Single(next);
        Assert.Equal((readyId, "ready", 1, 3), (ready.Id, Text(ready), ready.Tries, ready.Priority));
        await next.CompleteAsync(ready, default);
        after.Advance(TimeSpan.FromMinutes(30));
        var retried = Single(next);
        Assert.Equal((retriedId, "retried", 2), (retried.Id, Text(retried), retried.Tries));
        await next.CompleteAsync(retried, default);
        after.Advance(TimeSpan.FromMinutes(30));
        var delayed = Single(next);
        Assert.Equal((delayedId, "delayed", 1), (delayed.Id, Text(delayed), delayed.Tries));
    }

    [Fact]
    public async Task DedupKeyKeepsItsSegmentUntilItExpires()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var users = ExactlyOnce("user/registered", TimeSpan.FromHours(1));
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        await using (var h = new EngineHarness(store, time, ownsStore: true))
        {
            await h.ProduceOnce(users, "peter", key: 42);
            var consumer = await h.Subscribe(users, maxParallel: 1000);
            await consumer.CompleteAsync(Single(consumer), default);
            for (var i = 0; i < 2000; i++)
                await h.ProduceOnce(users, $"user {i} with a payload of some length", key: (UInt128)(1000 + i), window: TimeSpan.FromMinutes(1)).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            await h.CompleteAll(consumer, "user/registered");
            await store.CompactAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True((await h.ProduceOnce(users, "peter", key: 42).AsTask().WaitAsync(TimeSpan.FromSeconds(20))).IsDuplicate);
        }

        var reopened = LogQueueStore.Open("/data", fs, Small, time, null);
        await using (var h = new EngineHarness(reopened, time, ownsStore: true))
        {
            Assert.True((await h.ProduceOnce(users, "peter", key: 42).AsTask().WaitAsync(TimeSpan.FromSeconds(20))).IsDuplicate);
            time.Advance(TimeSpan.FromHours(1));
            await reopened.CompactAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(reopened.SegmentFiles.Count <= 2, $"{reopened.SegmentFiles.Count} segments remain after every key expired.");
        }

        await using var last = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true);
        Assert.True((await last.ProduceOnce(users, "peter", key: 42)).IsEnqueued);
    }

    [Fact]
    public async Task ChannelsWhoseHeaderOutgrowsASegmentDoNotMakeEveryRecordStartANewOne()
    {
        // A thousand channels with long names: the start of every segment names them all (about 140 KB), more than a
        // 64 KiB segment, as after a restart with smaller segments than the channels need.
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        await using var h = new EngineHarness(store, time, ownsStore: true);
        for (var i = 0; i < 1_000; i++)
            await h.Produce(Channel($"tenant-{i:D4}/" + new string('n', 100)), "held");

        for (var i = 0; i < 300; i++)
            await h.Produce(Channel("tenant-0000/" + new string('n', 100)), "more " + i);
        await store.CompactAsync();

        // Segments grow to four times their header instead: a handful, not one per record.
        Assert.InRange(store.SegmentFiles.Count, 1, 6);
        Assert.InRange(fs.UsedBytes, 0, 4L * 1024 * 1024);
    }
}

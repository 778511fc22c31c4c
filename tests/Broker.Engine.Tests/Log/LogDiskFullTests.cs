using Broker.Engine.Storage;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Log;

/// <summary>
/// On a full disk a produce either is stored (and acknowledged) or fails with StoreFullException and is never
/// delivered; completions still fit in the room kept; the log takes new messages again by itself once there is space.
/// A write that fails and cannot be rolled back is reported as an unknown outcome, never as a definite failure.
/// </summary>
public sealed class LogDiskFullTests
{
    private const long Segment = 64 * 1024;
    private static readonly LogStoreOptions Small = new() { SegmentBytes = Segment, CompactionInterval = TimeSpan.FromSeconds(1) };
    private static readonly string Payload = new('x', 300);

    [Fact]
    public async Task AFullDiskRefusesProducesDefinitelyKeepsCompletionsAndResumesWhenSpaceIsFreed()
    {
        // Room for the manifest, the first segment, its spare and two more segments, then nothing.
        var fs = new PowerLossFileSystem { Capacity = 4 * Segment + 2048 };
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        var acknowledged = new List<long>();
        var refused = new List<string>();
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        var engine = new QueueEngine(store, timeProvider: time, ownsStore: true);
        await engine.RecoverAsync();

        for (var i = 0; refused.Count < 20; i++)
        {
            Assert.True(i < 10_000, "The disk never filled.");
            try
            {
                acknowledged.Add((await engine.ProduceAsync(Message(orders, "m" + i))).MessageId);
            }
            catch (StoreFullException ex)
            {
                Assert.Contains("nothing was stored", ex.Message, StringComparison.Ordinal);
                refused.Add("m" + i);
            }
        }
        Assert.True(store.IsFull);
        Assert.True(acknowledged.Count > 300, $"Only {acknowledged.Count} messages fit.");

        // Completions go into the room the log kept.
        var worker = await engine.SubscribeAsync(orders, new SubscriptionSettings(100, TimeSpan.FromHours(1)));
        var completed = new List<long>();
        foreach (var delivery in Drain(worker))
        {
            Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(delivery, default));
            completed.Add(delivery.Id);
        }
        Assert.Equal(100, completed.Count);

        // Space comes back (another process freed it): within a compaction pass or two the log takes messages again.
        fs.Capacity = long.MaxValue;
        for (var tick = 0; store.IsFull; tick++)
        {
            Assert.True(tick < 100, "The log did not notice the space was back.");
            time.Advance(Small.CompactionInterval);
            await Task.Delay(10);
        }
        var after = (await engine.ProduceAsync(Message(orders, "after the disk had room again"))).MessageId;
        await worker.DisposeAsync();
        await engine.DisposeAsync();

        // What is stored: every acknowledged message not completed, the one after, and nothing refused.
        await using var reopened = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true);
        var next = await reopened.Subscribe(orders, maxParallel: 100_000);
        var stored = Drain(next);
        Assert.Equal(acknowledged.Except(completed).Append(after).Order(), stored.Select(d => d.Id).Order());
        Assert.Empty(stored.Select(TextOf).Intersect(refused));
    }

    [Fact]
    public async Task ProducesWhoseWriteNeedsASegmentTheDiskHasNoRoomForAreRefusedAndNeverReplayed()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        var engine = new QueueEngine(store, timeProvider: time, ownsStore: true);
        await engine.RecoverAsync();
        // The spare for the third segment is still being zero-filled when the second one is full.
        fs.HoldWritesTo(LogQueueStore.SpareName);
        var acknowledged = new List<string>();
        var refused = new List<string>();
        async Task Produce(string text)
        {
            try
            {
                await engine.ProduceAsync(Message(orders, text));
                lock (acknowledged) acknowledged.Add(text);
            }
            catch (StoreFullException)
            {
                lock (refused) refused.Add(text);
            }
        }
        var steady = Task.Run(async () =>
        {
            // Eight at a time, so the write that needs the third segment also carries messages for the second; until it
            // has been answered.
            for (var i = 0; refused.Count == 0 && store.SegmentFiles.Count < 3; i++)
                await Task.WhenAll(Enumerable.Range(0, 8).Select(p => Produce($"m{i}-{p}")));
        });
        await fs.WriteHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var wait = 0; store.SegmentFiles.Count < 3; wait++)
        {
            Assert.True(wait < 3_000, "The log never needed a third segment.");
            await Task.Delay(10);
        }
        // Its write waits for the spare; these queue behind it.
        var queued = Enumerable.Range(0, 10).Select(i => Produce("queued" + i)).ToList();

        // The disk fills up before the spare is done: the write that needed it, and what queued behind it, are refused.
        fs.Capacity = fs.UsedBytes;
        fs.ReleaseWrites();
        await steady.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(queued).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(refused.Count(r => r.StartsWith('m')) > 1, $"The failed write carried {refused.Count(r => r.StartsWith('m'))} message(s).");
        Assert.Equal(10, refused.Count(r => r.StartsWith("queued", StringComparison.Ordinal)));
        await engine.DisposeAsync();

        // Nothing refused is stored, and the log opens on the full disk, its consumers able to complete messages.
        await using (var reopened = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true))
        {
            var worker = await reopened.Subscribe(orders, maxParallel: 100_000);
            var stored = Drain(worker);
            Assert.Equal(acknowledged.Order(), stored.Select(TextOf).Order());
            foreach (var delivery in stored.Take(5))
                Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(delivery, default));
            // The rolled-back write left its room in the segment; new messages take it, and no more.
            for (var i = 0; ; i++)
            {
                Assert.True(i < 1_000, "The full disk took a thousand more messages.");
                try
                {
                    await reopened.Engine.ProduceAsync(Message(orders, "later" + i));
                    acknowledged.Add("later" + i);
                }
                catch (StoreFullException)
                {
                    break;
                }
            }
        }
        await using var last = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true);
        Assert.Equal(acknowledged.Count - 5, Drain(await last.Subscribe(orders, maxParallel: 100_000)).Count);
    }

    [Fact]
    public async Task AWriteThatRunsOutOfSpaceIsRolledBackAndNeverReplayed()
    {
        // Segments that grow as written: the disk runs out in the middle of a write.
        var options = new LogStoreOptions { SegmentBytes = Segment, PreallocateSegments = false };
        var fs = new PowerLossFileSystem { Capacity = Segment + Segment / 2 };
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        var acknowledged = new List<string>();
        var refused = new List<string>();
        await using (var h = new EngineHarness(LogQueueStore.Open("/data", fs, options, time, null), time, ownsStore: true))
        {
            // Concurrent producers, so the write that fails carries several of them.
            for (var round = 0; refused.Count == 0; round++)
            {
                Assert.True(round < 1_000, "The disk never filled.");
                var produces = Enumerable.Range(0, 16).Select(async p =>
                {
                    var text = $"r{round}-p{p}";
                    try
                    {
                        await h.Engine.ProduceAsync(Message(orders, text));
                        lock (acknowledged) acknowledged.Add(text);
                    }
                    catch (StoreFullException)
                    {
                        lock (refused) refused.Add(text);
                    }
                });
                await Task.WhenAll(produces);
            }
        }

        // The part of the refused write that reached the disk is gone: only what was acknowledged is replayed.
        fs.Capacity = long.MaxValue;
        await using var reopened = new EngineHarness(LogQueueStore.Open("/data", fs, options, time, null), time, ownsStore: true);
        var stored = Drain(await reopened.Subscribe(orders, maxParallel: 100_000)).Select(TextOf).ToList();
        Assert.Equal(acknowledged.Order(), stored.Order());
        Assert.Empty(stored.Intersect(refused));
        Assert.True(refused.Count > 1, "The failed write carried one message only.");
        await reopened.Produce(orders, "after");
    }

    [Fact]
    public async Task AnFsyncThatFailsIsAnUnknownOutcomeAndStopsTheLog()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        await using var h = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true);
        await h.Produce(orders, "before");

        fs.FailSyncs = true;
        var unknown = await Assert.ThrowsAsync<StoreOutcomeUnknownException>(() => h.Produce(orders, "uncertain"));
        fs.FailSyncs = false;
        var stopped = await Assert.ThrowsAnyAsync<IOException>(() => h.Produce(orders, "after"));

        Assert.Contains("may or may not be stored", unknown.Message, StringComparison.Ordinal);
        Assert.IsNotType<StoreOutcomeUnknownException>(stopped);
        Assert.Contains("stopped accepting writes", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACompletionThatCannotBeStoredIsNoCompletionTheMessageIsDeliveredAgain()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        await using var h = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true);
        await h.Produce(orders, "job");
        var worker = await h.Subscribe(orders);
        var first = Single(worker);

        fs.FailSyncs = true;
        await Assert.ThrowsAsync<StoreOutcomeUnknownException>(() => worker.CompleteAsync(first, default).AsTask());

        // Back in the queue at once, as the store still holds it unfinished: the same worker gets it again.
        var again = Single(worker);
        Assert.Equal((first.Id, 2), (again.Id, again.Tries));
        Assert.Equal(1, h.Engine.GetStats("orders").Leased);
    }

    [Fact]
    public async Task ACompletionRefusedWithItsWriteKeepsTheSegmentThatHoldsTheMessage()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        var engine = new QueueEngine(store, timeProvider: time, ownsStore: true);
        await engine.RecoverAsync();
        // The first segment ends up holding one unfinished message; everything else there is completed.
        var kept = (await engine.ProduceAsync(Message(orders, "kept"))).MessageId;
        var worker = await engine.SubscribeAsync(orders, new SubscriptionSettings(1_000, TimeSpan.FromHours(1)));
        var held = Drain(worker).Single();
        for (var i = 0; store.SegmentFiles.Count < 2; i++)
            await engine.ProduceAsync(Message(orders, "filler" + i));
        foreach (var filler in Drain(worker))
            Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(filler, default));

        // The writer waits for a spare that the disk will have no room for; the completion queues behind that write. The
        // next segment's spare is ready already, so the one held is the one after it.
        var blocked = store.SegmentFiles.Count + 2;
        fs.HoldWritesTo(LogQueueStore.SpareName);
        var stuck = Task.Run(async () =>
        {
            for (var i = 0; store.SegmentFiles.Count < blocked; i++)
                await engine.ProduceAsync(Message(orders, "more" + i));
        });
        await fs.WriteHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var wait = 0; store.SegmentFiles.Count < blocked; wait++)
        {
            Assert.True(wait < 3_000, "The log never needed the segment whose spare is held.");
            await Task.Delay(10);
        }
        var completion = worker.CompleteAsync(held, default).AsTask();
        fs.Capacity = fs.UsedBytes;
        fs.ReleaseWrites();
        await Assert.ThrowsAsync<StoreFullException>(() => completion);
        await Assert.ThrowsAsync<StoreFullException>(() => stuck);

        // Not completed: delivered again, and compaction keeps the segment that still holds it.
        Assert.Contains(kept, Drain(worker).Select(d => d.Id));
        await store.CompactAsync();
        Assert.Contains(store.SegmentFiles, f => f.EndsWith("000000000001.seg", StringComparison.Ordinal));
        await worker.DisposeAsync();
        await engine.DisposeAsync();
        await using var reopened = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true);
        Assert.Contains(kept, Drain(await reopened.Subscribe(orders, maxParallel: 10_000)).Select(d => d.Id));
    }

    [Fact]
    public async Task ADiskTooSmallForTwoSegmentsFailsTheOpenNamingSegmentBytes()
    {
        var fs = new PowerLossFileSystem { Capacity = Segment + Segment / 2 };
        var time = new FakeTimeProvider(Start);
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        await using var engine = new QueueEngine(store, timeProvider: time, ownsStore: true);

        var error = await Assert.ThrowsAsync<StoreFullException>(() => engine.RecoverAsync().AsTask());

        Assert.Contains("SegmentBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{2 * Segment}", error.Message, StringComparison.Ordinal);
    }

    private static ChannelMessage Message(ChannelDefinition channel, string text) => new(channel, Bytes(text + Payload), null, TimeSpan.Zero, 0);

    private static string TextOf(Delivery delivery) => Text(delivery)[..^Payload.Length];
}

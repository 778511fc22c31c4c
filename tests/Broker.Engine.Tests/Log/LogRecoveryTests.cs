using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Log;

public sealed class LogRecoveryTests
{
    private const int MessageType = 2;
    private static readonly LogStoreOptions Small = new() { SegmentBytes = 64 * 1024 };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TornLastRecordIsCutAtEveryByteOffsetAndEverythingBeforeItSurvives(bool preallocated)
    {
        using var original = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var options = new LogStoreOptions { SegmentBytes = 64 * 1024, PreallocateSegments = preallocated };
        await using (var h = new EngineHarness(LogQueueStore.Open(original.Path, options, time), time, ownsStore: true))
        {
            for (var i = 1; i <= 5; i++)
                await h.Produce(Channel(), "message " + i);
        }
        var segment = Path.GetFileName(Assert.Single(LogFiles.Segments(original.Path)));
        var bytes = File.ReadAllBytes(Path.Combine(original.Path, segment));
        var last = LogFiles.Frames(bytes)[^1];
        Assert.Equal(MessageType, last.Type);

        for (var cut = last.Offset; cut < last.Offset + last.Length; cut++)
        {
            using var copy = new TempDirectory();
            LogFiles.CopyDirectory(original.Path, copy.Path);
            var path = Path.Combine(copy.Path, segment);
            if (preallocated)
            {
                // A preallocated segment keeps its size: the torn write left zeros where the rest of the record should be.
                var damaged = (byte[])bytes.Clone();
                Array.Clear(damaged, cut, last.Offset + last.Length - cut);
                File.WriteAllBytes(path, damaged);
            }
            else
            {
                // A segment that grows as written ends where the torn write stopped.
                using var file = new FileStream(path, FileMode.Open);
                file.SetLength(cut);
            }

            {
                var zeroFill = preallocated;
                var logger = new ListLogger();
                await using var h = new EngineHarness(LogQueueStore.Open(copy.Path, options, time, logger), time, ownsStore: true);
                var worker = await h.Subscribe(Channel(), maxParallel: 10);

                Assert.Equal(["message 1", "message 2", "message 3", "message 4"], Drain(worker).Select(Text));
                var tornReported = logger.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("Torn tail", StringComparison.Ordinal) && e.Message.Contains($"offset {last.Offset}", StringComparison.Ordinal));
                // A cut exactly at the record's start leaves a clean end: nothing torn to report.
                Assert.True(tornReported || cut == last.Offset, $"The torn tail at byte {cut} (zero-filled: {zeroFill}) was not logged.");
                // The log goes on after the cut.
                await h.Produce(Channel(), "after");
            }
        }
    }

    [Fact]
    public async Task BitFlipBeforeTheTailFailsTheOpenNamingTheSegmentAndOffset()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await WriteBatches(directory.Path, time, batches: 4);
        var segment = Assert.Single(LogFiles.Segments(directory.Path));
        var bytes = File.ReadAllBytes(segment);
        var victim = LogFiles.Frames(bytes).First(f => f.Type == MessageType);
        bytes[victim.Offset + victim.Length - 3] ^= 0x10;
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<LogDataLossException>(() => LogQueueStore.Open(directory.Path, Small, time));

        var loss = Assert.Single(error.Losses);
        Assert.Equal((LogLossKind.Damaged, segment), (loss.Kind, loss.Path));
        Assert.Contains(Path.GetFileName(segment), error.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {victim.Offset}", error.Message, StringComparison.Ordinal);
        Assert.Contains("AcceptDataLoss", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryBitFlipBeforeTheLastWriteIsDetected()
    {
        using var original = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await WriteBatches(original.Path, time, batches: 6);
        var segment = Path.GetFileName(Assert.Single(LogFiles.Segments(original.Path)));
        var bytes = File.ReadAllBytes(Path.Combine(original.Path, segment));
        var lastWrite = LogFiles.Frames(bytes).Last(f => f.BatchStart).Offset;
        var random = new Random(1234);

        // 1,000 flips, as in the fault matrix (F7): none may go unnoticed.
        for (var i = 0; i < 1000; i++)
        {
            var at = random.Next(lastWrite);
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= (byte)(1 << random.Next(8));
            using var copy = new TempDirectory();
            File.WriteAllBytes(Path.Combine(copy.Path, segment), damaged);

            var error = Record.Exception(() => LogQueueStore.Open(copy.Path, Small, time).Dispose());

            Assert.True(error is LogCorruptedException, $"A flipped bit at byte {at} was not detected ({error?.GetType().Name ?? "opened"}).");
        }
    }

    [Fact]
    public async Task QuarantineMovesTheDamagedSegmentAsideAndOpensWithTheRest()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var payload = new string('x', 10_000);
        await using (var h = new EngineHarness(LogQueueStore.Open(directory.Path, Small, time), time, ownsStore: true))
        {
            for (var i = 0; i < 20; i++)
                await h.Produce(Channel(), i + payload);
        }
        var segments = LogFiles.Segments(directory.Path);
        Assert.True(segments.Length >= 3, $"Expected several segments, got {segments.Length}.");
        var first = File.ReadAllBytes(segments[0]);
        var victim = LogFiles.Frames(first).First(f => f.Type == MessageType);
        first[victim.Offset + 20] ^= 1;
        File.WriteAllBytes(segments[0], first);
        var logger = new ListLogger();

        var options = new LogStoreOptions { SegmentBytes = 64 * 1024, AcceptDataLoss = true };
        await using var after = new EngineHarness(LogQueueStore.Open(directory.Path, options, time, logger), time, ownsStore: true);
        var worker = await after.Subscribe(Channel(), maxParallel: 100);

        var survivors = Drain(worker).Select(d => int.Parse(Text(d)[..^payload.Length], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(survivors);
        Assert.Equal(Enumerable.Range(20 - survivors.Count, survivors.Count), survivors);
        Assert.True(File.Exists(segments[0] + ".corrupt"));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(segments[0], StringComparison.Ordinal));
    }

    [Fact]
    public async Task SimulatedPowerLossLosesNoAcknowledgedMessage()
    {
        var random = new Random(42);
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        var acknowledged = new HashSet<string>();
        var completed = new HashSet<string>();

        for (var crash = 0; crash < 20; crash++)
        {
            var store = LogQueueStore.Open("/data", fs, Small, time, null);
            var engine = new QueueEngine(store, timeProvider: time);
            await engine.RecoverAsync();
            var worker = await engine.SubscribeAsync(orders, new SubscriptionSettings(1_000_000, TimeSpan.FromHours(1)));

            // What survived must contain every acknowledged message that was not completed, and no completed one.
            var present = new Dictionary<string, Delivery>();
            while (worker.Deliveries.TryRead(out var delivery))
                present.Add(Text(delivery), delivery);
            var lost = acknowledged.Except(completed).Except(present.Keys).ToList();
            Assert.True(lost.Count == 0, $"After power loss {crash}: acknowledged messages lost: {string.Join(", ", lost.Take(10))} ({lost.Count} of {acknowledged.Count}; {engine.GetStats("orders")}).");
            Assert.Empty(present.Keys.Intersect(completed));

            // Complete some of what is there, then produce concurrently and pull the plug mid-stream.
            foreach (var (text, delivery) in present.Where(_ => random.Next(2) == 0))
            {
                Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(delivery, default));
                completed.Add(text);
            }
            var producers = Enumerable.Range(0, 8).Select(p => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    var text = $"c{crash}-p{p}-{i}";
                    try
                    {
                        await engine.ProduceAsync(new ChannelMessage(orders, Bytes(text), null, TimeSpan.Zero, 0));
                    }
                    catch (IOException)
                    {
                        return;
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                    lock (acknowledged)
                        acknowledged.Add(text);
                }
            })).ToList();
            await Task.Delay(random.Next(5, 40));
            fs = fs.PowerLoss(random.Next(2) == 0 ? random : null);
            await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(30));
            // The dead process: nothing of it is closed cleanly; its store failed with the disk.
            engine.Dispose();
            store.Dispose();
        }
        Assert.True(acknowledged.Count > 100, $"Only {acknowledged.Count} messages were acknowledged in 20 rounds.");
    }

    [Fact]
    public async Task CompletedMessagesStayCompletedAfterPowerLoss()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        var engine = new QueueEngine(store, timeProvider: time);
        for (var i = 0; i < 10; i++)
            await engine.ProduceAsync(new ChannelMessage(orders, Bytes("m" + i), null, TimeSpan.Zero, 0));
        var worker = await engine.SubscribeAsync(orders, new SubscriptionSettings(5, TimeSpan.FromHours(1)));
        var done = new List<long>();
        foreach (var delivery in Drain(worker))
        {
            Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(delivery, default));
            done.Add(delivery.Id);
        }

        var after = fs.PowerLoss(new Random(7));
        engine.Dispose();
        store.Dispose();

        await using var h = new EngineHarness(LogQueueStore.Open("/data", after, Small, time, null), time, ownsStore: true);
        var next = await h.Subscribe(orders, maxParallel: 100);
        var ids = Drain(next).Select(d => d.Id).ToList();
        Assert.Equal(5, done.Count);
        Assert.Empty(ids.Intersect(done));
        Assert.Equal(5, ids.Count);
    }

    /// <summary>Writes <paramref name="batches"/> separate writes (each awaited), so later writes follow the earlier ones.</summary>
    private static async Task WriteBatches(string directory, TimeProvider time, int batches)
    {
        await using var h = new EngineHarness(LogQueueStore.Open(directory, Small, time), time, ownsStore: true);
        for (var i = 0; i < batches; i++)
            await h.Produce(Channel(), $"batch {i}: a payload long enough to aim at");
    }
}

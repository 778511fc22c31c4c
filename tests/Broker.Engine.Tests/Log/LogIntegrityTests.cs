using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Log;

/// <summary>
/// A segment file that goes missing or is cut short stops the open, naming the file and the ids it held; starting
/// anyway takes AcceptDataLoss, logs the loss at error level, asks only once, and never hands an id out again.
/// </summary>
public sealed class LogIntegrityTests
{
    private const int Messages = 600;
    private static readonly LogStoreOptions Small = new() { SegmentBytes = 64 * 1024 };
    private static readonly LogStoreOptions Accepting = new() { SegmentBytes = 64 * 1024, AcceptDataLoss = true };
    private static readonly string Payload = new('x', 400);

    [Fact]
    public async Task AMissingMiddleSegmentStopsTheOpenNamingItAndTheIdsItHeld()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await WriteBacklog(directory.Path, time);
        var segments = LogFiles.Segments(directory.Path);
        Assert.True(segments.Length >= 5, $"Expected a backlog over several segments, got {segments.Length}.");
        File.Delete(segments[2]);

        var error = Assert.Throws<LogDataLossException>(() => LogQueueStore.Open(directory.Path, Small, time));

        var loss = Assert.Single(error.Losses);
        Assert.Equal((LogLossKind.Missing, segments[2]), (loss.Kind, loss.Path));
        var ids = Assert.Single(loss.Ids);
        Assert.Equal("orders", ids.Channel);
        Assert.Contains(Path.GetFileName(segments[2]), error.Message, StringComparison.Ordinal);
        Assert.Contains($"ids {ids.FromId} to {ids.ToId}", error.Message, StringComparison.Ordinal);
        Assert.Contains("AcceptDataLoss", error.Message, StringComparison.Ordinal);

        // Accepted: exactly the ids it named are gone, everything else is there.
        var logger = new ListLogger();
        await using var after = new EngineHarness(LogQueueStore.Open(directory.Path, Accepting, time, logger), time, ownsStore: true);
        var delivered = await DrainIds(after);
        var lost = Enumerable.Range(1, Messages).Select(i => (long)i).Except(delivered).ToList();
        Assert.Equal(Enumerable.Range((int)ids.FromId!.Value, (int)(ids.ToId!.Value - ids.FromId.Value + 1)).Select(i => (long)i), lost);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(Path.GetFileName(segments[2]), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingNewestSegmentIsNoticedAndAcceptingItNeverHandsAnIdOutAgain()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await WriteBacklog(directory.Path, time);
        var segments = LogFiles.Segments(directory.Path);
        File.Delete(segments[^1]);

        var error = Assert.Throws<LogDataLossException>(() => LogQueueStore.Open(directory.Path, Small, time));

        var loss = Assert.Single(error.Losses);
        Assert.Equal(LogLossKind.Missing, loss.Kind);
        Assert.True(loss.OpenEnded);
        var ids = Assert.Single(loss.Ids);
        Assert.Null(ids.ToId);
        Assert.Contains($"ids from {ids.FromId} on", error.Message, StringComparison.Ordinal);

        await using (var after = new EngineHarness(LogQueueStore.Open(directory.Path, Accepting, time), time, ownsStore: true))
        {
            var delivered = await DrainIds(after);
            Assert.Equal(ids.FromId!.Value - 1, delivered.Max());
            // The lost segment held ids up to 600; none comes back.
            Assert.True(await after.Produce(Channel(), "after the loss") > Messages);
        }
        // Accepted once: the next open does not ask again, and still never reuses an id.
        await using var again = new EngineHarness(LogQueueStore.Open(directory.Path, Small, time), time, ownsStore: true);
        Assert.True(await again.Produce(Channel(), "later") > Messages + 1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ATruncatedSegmentIsNoticed(bool newest)
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await WriteBacklog(directory.Path, time);
        var segments = LogFiles.Segments(directory.Path);
        var victim = newest ? segments[^1] : segments[2];
        var frames = LogFiles.Frames(File.ReadAllBytes(victim));
        using (var file = new FileStream(victim, FileMode.Open))
            file.SetLength(frames[frames.Count / 2].Offset);

        var error = Assert.Throws<LogDataLossException>(() => LogQueueStore.Open(directory.Path, Small, time));

        var loss = Assert.Single(error.Losses);
        Assert.Equal((LogLossKind.Truncated, victim), (loss.Kind, loss.Path));
        Assert.Equal(newest, loss.OpenEnded);
        await using var after = new EngineHarness(LogQueueStore.Open(directory.Path, Accepting, time), time, ownsStore: true);
        var delivered = await DrainIds(after);
        var ids = Assert.Single(loss.Ids);
        Assert.Equal(ids.FromId - 1, delivered.Where(id => id < ids.FromId).Max());
        Assert.True(await after.Produce(Channel(), "after the loss") > Messages);
    }

    [Fact]
    public async Task ADamagedSegmentIsMovedAsideOnlyWhenAcceptedAndItsMessageCountIsLogged()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await WriteBacklog(directory.Path, time);
        var segments = LogFiles.Segments(directory.Path);
        var bytes = File.ReadAllBytes(segments[1]);
        var frames = LogFiles.Frames(bytes);
        var messages = frames.Count(f => f.Type == 2);
        bytes[frames[frames.Count / 2].Offset + 12] ^= 0x40;
        File.WriteAllBytes(segments[1], bytes);

        var error = Assert.Throws<LogDataLossException>(() => LogQueueStore.Open(directory.Path, Small, time));
        var loss = Assert.Single(error.Losses);
        Assert.Equal(LogLossKind.Damaged, loss.Kind);
        // The damaged record itself cannot be read; every other message record can.
        Assert.Equal(messages - 1, loss.Messages);

        var logger = new ListLogger();
        await using (var after = new EngineHarness(LogQueueStore.Open(directory.Path, Accepting, time, logger), time, ownsStore: true))
        {
            await after.Engine.RecoverAsync();
            Assert.True(File.Exists(segments[1] + ".corrupt"));
            Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains($"the {messages - 1} message record(s)", StringComparison.Ordinal));
        }
        // The quarantined file is remembered: the next open neither asks again nor counts it missing.
        LogQueueStore.Open(directory.Path, Small, time).Dispose();
    }

    [Fact]
    public async Task AMissingManifestIsNoticedAndAcceptingItRebuildsIt()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await WriteBacklog(directory.Path, time);
        File.Delete(Path.Combine(directory.Path, "MANIFEST"));

        var error = Assert.Throws<LogDataLossException>(() => LogQueueStore.Open(directory.Path, Small, time));
        Assert.Contains("MANIFEST", error.Message, StringComparison.Ordinal);

        await using (var after = new EngineHarness(LogQueueStore.Open(directory.Path, Accepting, time), time, ownsStore: true))
        {
            Assert.Equal(Messages, (await DrainIds(after)).Count);
            // Nothing bounds how far ids went: they jump far past anything the log held.
            Assert.True(await after.Produce(Channel(), "after") > 1L << 40);
        }
        LogQueueStore.Open(directory.Path, Small, time).Dispose();
    }

    [Fact]
    public async Task ASegmentCompactionDeletedFromTheManifestButNotFromTheDiskIsDeletedAtOpen()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await WriteBacklog(directory.Path, time);
        var segments = LogFiles.Segments(directory.Path);
        var fs = OsFileSystem();
        var manifest = LogManifest.Read(fs, directory.Path)!;
        // A crash between compaction's manifest write and its file deletion leaves the oldest file behind.
        (manifest with { First = manifest.First + 1 }).Write(fs, directory.Path, manifest);

        await using var after = new EngineHarness(LogQueueStore.Open(directory.Path, Small, time), time, ownsStore: true);
        await after.Engine.RecoverAsync();

        Assert.False(File.Exists(segments[0]));
    }

    [Fact]
    public async Task AcceptingALostNewestSegmentAfterSegmentsGotSmallerNeverReusesAnId()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var large = new LogStoreOptions { SegmentBytes = 256 * 1024 };
        const int Tiny = 8_000;
        await using (var h = new EngineHarness(LogQueueStore.Open("/data", fs, large, time, null), time, ownsStore: true))
        {
            for (var i = 1; i <= Tiny; i++)
                await h.Produce(Channel(), "m" + i);
        }
        var segments = fs.Files("/data").Where(f => f.EndsWith(".seg", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.True(segments.Count >= 2, $"Expected several segments, got {segments.Count}.");
        fs.Delete(segments[^1]);

        // Reopened with segments a quarter the size: the lost one still held what a 256 KiB segment holds.
        var small = new LogStoreOptions { SegmentBytes = 64 * 1024, AcceptDataLoss = true };
        await using var after = new EngineHarness(LogQueueStore.Open("/data", fs, small, time, null), time, ownsStore: true);

        Assert.True(await after.Produce(Channel(), "after") > Tiny);
    }

    [Fact]
    public async Task ManyAcceptedLossesAreRememberedAndNotAskedAgain()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        await using (var h = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true))
        {
            for (var batch = 0; fs.Files("/data").Count(f => f.EndsWith(".seg", StringComparison.Ordinal)) < 160; batch++)
                await Task.WhenAll(Enumerable.Range(0, 64).Select(i => h.Produce(Channel(), $"{batch}-{i}{Payload}")));
        }
        // Every other segment goes: eighty separate holes.
        var segments = fs.Files("/data").Where(f => f.EndsWith(".seg", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        for (var i = 1; i < 160; i += 2)
            fs.Delete(segments[i]);
        Assert.Equal(80, Assert.Throws<LogDataLossException>(() => LogQueueStore.Open("/data", fs, Small, time, null)).Losses.Count);

        LogQueueStore.Open("/data", fs, Accepting, time, null).Dispose();

        // Accepted once, remembered: the next open does not ask again.
        LogQueueStore.Open("/data", fs, Small, time, null).Dispose();
    }

    [Fact]
    public void TheManifestSurvivesATornWriteOfItsNewerCopy()
    {
        using var directory = new TempDirectory();
        var fs = OsFileSystem();
        var first = new LogManifest(1, 5, 0, 64 * 1024, []).Write(fs, directory.Path, null);
        var second = new LogManifest(2, 6, 0, 64 * 1024, [(3, 3)]).Write(fs, directory.Path, first);
        var path = Path.Combine(directory.Path, LogManifest.FileName);
        var bytes = File.ReadAllBytes(path);
        // The newer copy was half written when the machine stopped.
        bytes.AsSpan((int)(second.Generation & 1) * LogManifest.SlotBytes + 20, 50).Fill(0xFF);
        File.WriteAllBytes(path, bytes);

        var read = LogManifest.Read(fs, directory.Path)!;

        Assert.Equal((1L, 5L, first.Generation), (read.First, read.Last, read.Generation));
    }

    private static ILogFileSystem OsFileSystem() => OsLogFileSystem.Instance;

    /// <summary>600 messages of about 450 bytes: about five 64 KiB segments, all unfinished.</summary>
    private static async Task WriteBacklog(string directory, TimeProvider time)
    {
        await using var h = new EngineHarness(LogQueueStore.Open(directory, Small, time), time, ownsStore: true);
        for (var i = 1; i <= Messages; i++)
            Assert.Equal(i, await h.Produce(Channel(), i + Payload));
    }

    private static async Task<List<long>> DrainIds(EngineHarness h)
    {
        var worker = await h.Subscribe(Channel(), maxParallel: 10_000);
        var ids = Drain(worker).Select(d => d.Id).ToList();
        await worker.DisposeAsync();
        return ids;
    }
}

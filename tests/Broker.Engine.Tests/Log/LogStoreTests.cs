using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Log;

public sealed class LogStoreTests
{
    private static readonly LogStoreOptions Small = new() { SegmentBytes = 64 * 1024 };

    [Fact]
    public async Task AcknowledgedMessagesSurviveReopenWithTheirPayloadsOfEverySize()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        // Small, across a 64 KiB read block, larger than a block, larger than a segment.
        var sizes = new[] { 1, 40, 1000, 30_000, 70_000, 200_000, 5, 65_536 };
        var payloads = sizes.Select((size, i) => Enumerable.Range(0, size).Select(b => (byte)(b * 7 + i)).ToArray()).ToList();

        await using (var before = new EngineHarness(LogQueueStore.Open(directory.Path, Small, time), time, ownsStore: true))
        {
            foreach (var payload in payloads)
                await before.Engine.ProduceAsync(new ChannelMessage(orders, payload, null, TimeSpan.Zero, 0));
        }

        await using var after = new EngineHarness(LogQueueStore.Open(directory.Path, Small, time), time, ownsStore: true);
        var worker = await after.Subscribe(orders, maxParallel: 100);
        var delivered = Drain(worker);
        Assert.Equal(payloads.Count, delivered.Count);
        for (var i = 0; i < payloads.Count; i++)
            Assert.True(payloads[i].AsSpan().SequenceEqual(delivered[i].Payload.Span), $"Payload {i} ({sizes[i]} bytes) differs after reopening.");
    }

    [Fact]
    public void SecondOpenOfTheSameDirectoryIsRefusedNamingIt()
    {
        using var directory = new TempDirectory();
        using var first = LogQueueStore.Open(directory.Path, Small);

        var error = Assert.Throws<IOException>(() => LogQueueStore.Open(directory.Path, Small));

        Assert.Contains(directory.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"process {Environment.ProcessId}", error.Message, StringComparison.Ordinal);
        first.Dispose();
        LogQueueStore.Open(directory.Path, Small).Dispose();
    }

    [Fact]
    public void DeletingTheLockFileDoesNotLetASecondOpenIn()
    {
        using var directory = new TempDirectory();
        using var first = LogQueueStore.Open(directory.Path, Small);

        File.Delete(Path.Combine(directory.Path, "LOCK"));
        var error = Assert.Throws<IOException>(() => LogQueueStore.Open(directory.Path, Small));

        Assert.Contains("is in use", error.Message, StringComparison.Ordinal);
        first.Dispose();
        LogQueueStore.Open(directory.Path, Small).Dispose();
    }

    [Fact]
    public async Task ASpareSegmentDeletedWhileTheLogRunsIsMadeAgainAndWritesGoOn()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        var acknowledged = 0;
        await using (var h = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true))
        {
            await h.Engine.RecoverAsync();
            // A cleanup job deletes *.tmp files.
            fs.Delete("/data/" + LogQueueStore.SpareName);
            for (; fs.Files("/data").Count(f => f.EndsWith(".seg", StringComparison.Ordinal)) < 3; acknowledged++)
                await h.Produce(orders, $"m{acknowledged}: a payload of some forty bytes or so");
        }

        await using var reopened = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true);
        Assert.Equal(acknowledged, Drain(await reopened.Subscribe(orders, maxParallel: 100_000)).Count);
    }

    [Fact]
    public async Task ProduceCompletesOnlyAfterTheSyncThatCoversIt()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        await using var h = new EngineHarness(LogQueueStore.Open("/data", fs, Small, time, null), time, ownsStore: true);
        await h.Engine.RecoverAsync();
        var orders = Channel();
        await h.Produce(orders, "warm-up");
        fs.HoldSyncs();

        var produces = Enumerable.Range(0, 50).Select(i => h.Produce(orders, "m" + i)).ToList();
        await fs.SyncWaiting.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(produces, p => Assert.False(p.IsCompleted));
        var syncsBefore = fs.Syncs;
        fs.ReleaseSyncs();
        await Task.WhenAll(produces).WaitAsync(TimeSpan.FromSeconds(10));
        // Group commit: fifty producers shared a handful of syncs.
        Assert.InRange(fs.Syncs - syncsBefore, 1, 10);
    }

    [Fact]
    public async Task BufferedModeWritesWithoutSyncingAndStillSurvivesReopen()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var options = new LogStoreOptions { SegmentBytes = 64 * 1024, Durability = DurabilityMode.Buffered, PreallocateSegments = false };
        await using (var before = new EngineHarness(LogQueueStore.Open("/data", fs, options, time, null), time, ownsStore: true))
        {
            await before.Engine.RecoverAsync();
            var syncs = fs.Syncs;
            for (var i = 0; i < 20; i++)
                await before.Produce(Channel(), "m" + i);
            Assert.Equal(syncs, fs.Syncs);
        }

        await using var after = new EngineHarness(LogQueueStore.Open("/data", fs, options, time, null), time, ownsStore: true);
        Assert.Equal(20, (await after.Engine.GetStatsAfterRecovery("orders")).Ready);
    }

    [Fact]
    public async Task LeasesDoNotSurviveARestart()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var orders = Channel();
        await using (var before = new EngineHarness(LogQueueStore.Open(directory.Path, Small, time), time, ownsStore: true))
        {
            var worker = await before.Subscribe(orders, lease: TimeSpan.FromHours(1));
            await before.Produce(orders, "in progress at the crash");
            Single(worker);
        }

        await using var after = new EngineHarness(LogQueueStore.Open(directory.Path, Small, time), time, ownsStore: true);
        var next = await after.Subscribe(orders);

        var delivery = Single(next);
        Assert.Equal(("in progress at the crash", 1), (Text(delivery), delivery.Tries));
    }
}

internal static class EngineTestExtensions
{
    public static async Task<ChannelStats> GetStatsAfterRecovery(this QueueEngine engine, string channel)
    {
        await engine.RecoverAsync();
        return engine.GetStats(channel);
    }
}

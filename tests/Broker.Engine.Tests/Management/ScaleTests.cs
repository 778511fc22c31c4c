using System.Diagnostics;
using Broker.Engine.Management;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Broker.Management;
using Xunit.Abstractions;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Management;

/// <summary>The management API over many channels and large backlogs: what it costs, measured.</summary>
[Collection(Serial.Name)]
public sealed class ScaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ListingTenThousandChannelsWithLargeBacklogsIsQuickAndSmall()
    {
        await using var h = new EngineHarness();
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");
        var message = new OutgoingMessage(Bytes("{}"), null, TimeSpan.Zero, 0);
        for (var c = 0; c < 10_000; c++)
        {
            var channel = $"tenants/t{c:D5}";
            await h.Engine.DeclareAsync(Channel(channel));
            for (var i = 0; i < 10; i++)
                await h.Engine.ProduceAsync(channel, message);
        }
        // Two large backlogs: one of 200,000 messages, one whose oldest 100,000 are dead letters in front of 100,000 live ones.
        await h.Engine.DeclareAsync(Channel("big/live"));
        for (var i = 0; i < 200_000; i++)
            await h.Engine.ProduceAsync("big/live", message);
        var dead = Channel("big/dead");
        await h.Engine.DeclareAsync(dead);
        for (var i = 0; i < 100_000; i++)
            await h.Engine.ProduceAsync("big/dead", message);
        var worker = await h.Subscribe(dead, maxParallel: 10_000);
        for (var pass = 0; h.Engine.GetStats("big/dead").DeadLettered < 100_000; pass++)
        {
            Assert.True(pass < 100, "The dead letters do not add up.");
            foreach (var delivery in Drain(worker))
                await worker.FailAsync(delivery, FailureKind.Permanent, "broken", default);
        }
        await worker.DisposeAsync();
        h.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 100_000; i++)
            await h.Engine.ProduceAsync("big/dead", message);

        var (cold, coldBytes, _) = await Measure(management);
        var (warm, warmBytes, overview) = await Measure(management);

        output.WriteLine($"ListChannels over {overview.Channels.Count:N0} channels ({h.Engine.GetStats("big/live").Ready + 200_000 + 100_000:N0} messages): " +
            $"first {cold.TotalMilliseconds:N0} ms and {coldBytes / 1024:N0} KiB allocated (passes the dead letters once), then {warm.TotalMilliseconds:N0} ms and {warmBytes / 1024:N0} KiB; " +
            $"managed heap {GC.GetTotalMemory(forceFullCollection: true) / (1024 * 1024):N0} MiB");
        Assert.Equal(10_002, overview.Channels.Count);
        var bigDead = overview.Channels.Single(c => c.Name == "big/dead");
        Assert.Equal((100_000L, 100_000L, Start.AddMinutes(1)), (bigDead.Ready, bigDead.DeadLetters, bigDead.OldestProducedAt));
        Assert.All(overview.Channels, c => Assert.Equal(Start, c.Name == "big/dead" ? Start : c.OldestProducedAt));
        Assert.True(warm < TimeSpan.FromSeconds(5), $"Listing took {warm}.");
        Assert.InRange(warmBytes, 0, 32L * 1024 * 1024);
    }

    [Fact]
    public async Task PurgingAMillionMessagesNeitherStallsTheChannelNorAllocatesInProportion()
    {
        const int Messages = 1_000_000;
        await using var h = new EngineHarness();
        await h.Engine.DeclareAsync(Channel());
        var message = new OutgoingMessage(Bytes("{}"), null, TimeSpan.Zero, 0);
        for (var i = 0; i < Messages; i++)
            await h.Engine.ProduceAsync("orders", message);

        var (purged, elapsed, stall, allocated) = await MeasurePurge(h.Engine);

        output.WriteLine($"Purged {purged:N0} messages (memory store) in {elapsed.TotalMilliseconds:N0} ms; the channel's lock answered within {stall.TotalMilliseconds:N1} ms throughout; {allocated / 1024:N0} KiB allocated");
        Assert.Equal(Messages, purged);
        Assert.Equal(0, h.Engine.GetStats("orders").Unfinished);
        Assert.True(stall < TimeSpan.FromSeconds(1), $"A purge batch held the lock for {stall}.");
        Assert.InRange(allocated, 0, 64L * 1024 * 1024);
    }

    [Fact]
    public async Task PurgingALargeBacklogOfAnEmbeddedLogWaitsForEachBatchAndKeepsTheLockShort()
    {
        const int Messages = 200_000;
        using var directory = new TempDirectory();
        var log = LogQueueStore.Open(directory.Path, new LogStoreOptions { SegmentBytes = 16 * 1024 * 1024 });
        await using var h = new EngineHarness(log, ownsStore: true);
        await h.Engine.DeclareAsync(Channel());
        var message = new OutgoingMessage(Bytes("{\"a\": 1}"), null, TimeSpan.Zero, 0);
        // Many produces in flight, so each fsync carries a group of them.
        await Task.WhenAll(Enumerable.Range(0, 64).Select(p => Task.Run(async () =>
        {
            for (var i = p; i < Messages; i += 64)
                await h.Engine.ProduceAsync("orders", message);
        })));
        var syncsBefore = log.WriteCounts.Syncs;

        var (purged, elapsed, stall, allocated) = await MeasurePurge(h.Engine);

        output.WriteLine($"Purged {purged:N0} messages (embedded log, fsync) in {elapsed.TotalMilliseconds:N0} ms with {log.WriteCounts.Syncs - syncsBefore:N0} fsyncs; " +
            $"the channel's lock answered within {stall.TotalMilliseconds:N1} ms throughout; {allocated / 1024:N0} KiB allocated");
        Assert.Equal(Messages, purged);
        Assert.True(stall < TimeSpan.FromSeconds(1), $"A purge batch held the lock for {stall}.");
        Assert.InRange(allocated, 0, 64L * 1024 * 1024);
    }

    private static async Task<(TimeSpan Elapsed, long Allocated, ChannelOverview Overview)> Measure(IBrokerManagement management)
    {
        // Recovered already, so the listing runs on this thread: its allocations are this thread's.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        var overview = await management.ListChannelsAsync();
        var elapsed = Stopwatch.GetElapsedTime(started);
        return (elapsed, GC.GetAllocatedBytesForCurrentThread() - before, overview);
    }

    /// <summary>Purges the channel while another thread keeps asking for its counts, timing the longest wait for its lock.</summary>
    private static async Task<(long Purged, TimeSpan Elapsed, TimeSpan LongestWait, long Allocated)> MeasurePurge(QueueEngine engine)
    {
        using var done = new CancellationTokenSource();
        var probed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // What the probe's own snapshots allocated so far: not the purge's.
        long probeBytes = 0;
        var probing = Task.Run(() =>
        {
            var longest = TimeSpan.Zero;
            var ownBefore = GC.GetAllocatedBytesForCurrentThread();
            while (!done.IsCancellationRequested)
            {
                var asked = Stopwatch.GetTimestamp();
                engine.GetStats("orders");
                var waited = Stopwatch.GetElapsedTime(asked);
                if (waited > longest)
                    longest = waited;
                Volatile.Write(ref probeBytes, GC.GetAllocatedBytesForCurrentThread() - ownBefore);
                probed.TrySetResult();
                Thread.Yield();
            }
            return longest;
        });
        await probed.Task.WaitAsync(TimeSpan.FromMinutes(1));
        // The probe's count is read after the total at the start and before it at the end: what is taken off for the
        // probe is never more than it allocated, so the purge's share is never undercounted.
        var totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        var probeAtStart = Volatile.Read(ref probeBytes);
        var started = Stopwatch.GetTimestamp();
        var purged = await engine.PurgeAsync("orders");
        var elapsed = Stopwatch.GetElapsedTime(started);
        var probeAtEnd = Volatile.Read(ref probeBytes);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - totalBefore - (probeAtEnd - probeAtStart);
        await done.CancelAsync();
        return (purged, elapsed, await probing, allocated);
    }
}

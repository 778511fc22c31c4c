using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Diagnostics;

/// <summary>The durable log's instruments: one fsync and one group commit recorded per write, and its size.</summary>
public sealed class LogMetricsTests
{
    private static readonly LogStoreOptions Fsync = new() { SegmentBytes = 64 * 1024, Durability = DurabilityMode.Fsync };

    [Fact]
    public async Task EveryGroupCommitRecordsItsFsyncItsRecordsAndItsBytes()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var store = LogQueueStore.Open(directory.Path, Fsync, time);
        await using var h = new EngineHarness(store, time, ownsStore: true);
        var orders = Channel();
        await h.Engine.DeclareAsync(orders);
        using var capture = new MeterCapture(store.Meter);
        var before = store.WriteCounts;

        // One at a time: each produce is its own write, so its own fsync.
        for (var i = 0; i < 3; i++)
            await h.Produce(orders, $"order {i}");

        var after = store.WriteCounts;
        var syncs = capture.Of("broker.log.fsync.duration");
        var records = capture.Of("broker.log.group_commit.records");
        var bytes = capture.Of("broker.log.group_commit.bytes");
        Assert.Equal(3, after.Syncs - before.Syncs);
        Assert.Equal(after.Syncs - before.Syncs, syncs.Count);
        Assert.All(syncs, s => Assert.InRange(s.Value, 0, 60));
        Assert.Equal(after.Batches - before.Batches, records.Count);
        Assert.Equal(after.Batches - before.Batches, bytes.Count);
        Assert.Equal(after.Bytes - before.Bytes, bytes.Sum(b => b.Value));
        // Each write carries at least its message record.
        Assert.All(records, r => Assert.True(r.Value >= 1));
        Assert.Equal(("s", "{record}", "By"), (syncs[0].Unit, records[0].Unit, bytes[0].Unit));
    }

    [Fact]
    public async Task BufferedWritesRecordGroupCommitsButNoFsync()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var store = LogQueueStore.Open(directory.Path, new LogStoreOptions { SegmentBytes = 64 * 1024, Durability = DurabilityMode.Buffered }, time);
        await using var h = new EngineHarness(store, time, ownsStore: true);
        var orders = Channel();
        await h.Engine.DeclareAsync(orders);
        using var capture = new MeterCapture(store.Meter);

        await h.Produce(orders, "buffered");

        Assert.Empty(capture.Of("broker.log.fsync.duration"));
        Assert.NotEmpty(capture.Of("broker.log.group_commit.records"));
    }

    [Fact]
    public async Task LogSizeReportsTheBytesAndSegmentsInUse()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var store = LogQueueStore.Open(directory.Path, Fsync, time);
        await using var h = new EngineHarness(store, time, ownsStore: true);
        var orders = Channel();
        // Enough to fill more than one 64 KiB segment.
        for (var i = 0; i < 40; i++)
            await h.Produce(orders, new string('x', 4000));
        using var capture = new MeterCapture(store.Meter);

        var collected = capture.Collect();

        var size = Assert.Single(collected, r => r.Instrument == "broker.log.size");
        var segments = Assert.Single(collected, r => r.Instrument == "broker.log.segments");
        Assert.Equal(store.Usage.LogBytes, size.Value);
        Assert.Equal(store.SegmentFiles.Count, segments.Value);
        Assert.True(segments.Value >= 2, $"{segments.Value} segment(s)");
        Assert.Equal(("By", "{segment}"), (size.Unit, segments.Unit));
    }

    [Fact]
    public async Task ClosingTheStoreRemovesItsInstruments()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var store = LogQueueStore.Open(directory.Path, Fsync, time);
        var h = new EngineHarness(store, time, ownsStore: true);
        using var capture = new MeterCapture(store.Meter);
        await h.Produce(Channel(), "before closing");
        Assert.Equal(5, capture.Published.Count);

        await h.DisposeAsync();

        Assert.Equal(capture.Published.Order(), capture.Completed.Order());
        Assert.Empty(capture.Collect());
    }
}

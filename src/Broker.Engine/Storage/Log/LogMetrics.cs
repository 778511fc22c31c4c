using System.Diagnostics;
using System.Diagnostics.Metrics;
using Broker.Engine.Diagnostics;

namespace Broker.Engine.Storage.Log;

/// <summary>
/// One log's instruments on the <c>Broker.Engine</c> meter: how long each group commit's fdatasync takes, how many
/// records and bytes each write carries, and how large the log is. The store owns it and disposes it when closed, so
/// instruments never outlive their store.
/// </summary>
/// <remarks>
/// The writer thread records once per write (never per record), and only after checking that a listener is enabled,
/// so the write path pays one field read per batch when nobody listens. Bucket boundaries are given as advice, which
/// OpenTelemetry's SDK and broker-server's exporter both follow.
/// </remarks>
internal sealed class LogMetrics : IDisposable
{
    // 50 µs (a fast NVMe) to 10 s (a disk in trouble): fdatasync on real disks spans that whole range.
    private static readonly double[] SyncSeconds = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
    // Powers of four: one record (a lone produce) to tens of thousands (hundreds of producers sharing one sync).
    private static readonly int[] RecordCounts = [1, 2, 4, 16, 64, 256, 1024, 4096, 16384, 65536];
    // 64 B (one small record) to 64 MiB (a batch as large as a default segment).
    private static readonly int[] ByteSizes = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly Meter _meter = EngineTelemetry.CreateMeter();
    private readonly Histogram<double> _syncSeconds;
    private readonly Histogram<int> _records;
    private readonly Histogram<int> _bytes;

    /// <param name="size">Reads the log's size and segment count; called only when a listener collects.</param>
    public LogMetrics(Func<(long Bytes, int Segments)> size)
    {
        _syncSeconds = _meter.CreateHistogram("broker.log.fsync.duration", "s",
            "Duration of the fdatasync that makes one group commit durable (Fsync durability only).",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SyncSeconds });
        _records = _meter.CreateHistogram("broker.log.group_commit.records", "{record}",
            "Records written by one group commit: every produce, settle and compaction copy that shared one write.",
            tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = RecordCounts });
        _bytes = _meter.CreateHistogram("broker.log.group_commit.bytes", "By",
            "Bytes written by one group commit.",
            tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = ByteSizes });
        _meter.CreateObservableUpDownCounter("broker.log.size", () => size().Bytes, "By",
            "Bytes of records in the segments in use (preallocated segment files take their full size on disk).");
        _meter.CreateObservableUpDownCounter("broker.log.segments", () => size().Segments, "{segment}",
            "Segment files in use.");
    }

    /// <summary>A group commit's sync took <paramref name="elapsedTicks"/> Stopwatch ticks.</summary>
    public void Synced(long elapsedTicks)
    {
        if (_syncSeconds.Enabled)
            _syncSeconds.Record((double)elapsedTicks / Stopwatch.Frequency);
    }

    /// <summary>A group commit wrote <paramref name="records"/> records of <paramref name="bytes"/> bytes in all.</summary>
    public void Written(int records, int bytes)
    {
        if (_records.Enabled)
            _records.Record(records);
        if (_bytes.Enabled)
            _bytes.Record(bytes);
    }

    /// <summary>The meter the instruments belong to (tests tell this log's instruments from other logs' by it).</summary>
    internal Meter Meter => _meter;

    /// <summary>Removes the instruments and their callbacks from every listener.</summary>
    public void Dispose() => _meter.Dispose();
}

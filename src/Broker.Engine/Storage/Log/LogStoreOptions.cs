namespace Broker.Engine.Storage.Log;

/// <summary>Settings of a <see cref="LogQueueStore"/>.</summary>
public sealed class LogStoreOptions
{
    /// <summary>The default segment size: 64 MiB.</summary>
    public const long DefaultSegmentBytes = 64L * 1024 * 1024;

    /// <summary>When a write counts as stored. Default <see cref="DurabilityMode.Fsync"/>.</summary>
    public DurabilityMode Durability { get; set; } = DurabilityMode.Fsync;

    /// <summary>
    /// The size of a segment file, in bytes (at least 64 KiB, at most 2 GiB). A record larger than a segment gets a
    /// segment to itself. Default 64 MiB.
    /// </summary>
    public long SegmentBytes { get; set; } = DefaultSegmentBytes;

    /// <summary>
    /// The oldest segment is rewritten (its live messages and unexpired dedup keys copied to the head, then the file
    /// deleted) when its live fraction falls below this, or when the live fraction of the whole log does. Between 0
    /// and 1; default 0.5.
    /// </summary>
    public double CompactionThreshold { get; set; } = 0.5;

    /// <summary>How often the log looks for segments to delete or rewrite. Default one second.</summary>
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Open even though acknowledged data is lost: a segment file missing, shorter than it was, or damaged before its
    /// tail (a damaged file is moved aside, renamed <c>*.corrupt</c>). Without it such a directory refuses to open with a
    /// <see cref="LogDataLossException"/> naming the files and the ids they held. With it the loss is logged at error
    /// level, remembered (the next open does not ask again), and ids skip past anything the lost part can have handed
    /// out, so none is handed out twice. Default false.
    /// </summary>
    public bool AcceptDataLoss { get; set; }

    /// <summary>
    /// Create each segment at its full size, filled with zeros, before it is needed, so an fdatasync flushes data only
    /// (no file size change): faster commits for the price of writing each segment twice. Default true.
    /// </summary>
    public bool PreallocateSegments { get; set; } = true;

    /// <summary>Checks the values, naming the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Durability))
            throw new ArgumentOutOfRangeException(nameof(Durability), Durability, "Unknown durability mode.");
        if (SegmentBytes is < 64 * 1024 or > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(SegmentBytes), SegmentBytes, "SegmentBytes must be between 64 KiB and 2 GiB.");
        if (!(CompactionThreshold is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(CompactionThreshold), CompactionThreshold, "CompactionThreshold must be between 0 and 1 (exclusive).");
        if (CompactionInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(CompactionInterval), CompactionInterval, "CompactionInterval must be positive.");
    }

    internal LogStoreOptions Clone() => (LogStoreOptions)MemberwiseClone();
}

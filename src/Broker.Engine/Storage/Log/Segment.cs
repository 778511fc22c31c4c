namespace Broker.Engine.Storage.Log;

/// <summary>One segment file of the log and what compaction needs to know about it.</summary>
internal sealed class Segment(long sequence, string path)
{
    public long Sequence { get; } = sequence;

    public string Path { get; } = path;

    /// <summary>The open file; set by the writer when it first writes here (or at open for existing segments).</summary>
    public volatile ILogFile? File;

    private long _durable;

    /// <summary>Bytes written (and synced in Fsync mode): readers may read below this.</summary>
    public long Durable
    {
        get => Volatile.Read(ref _durable);
        set => Volatile.Write(ref _durable, value);
    }

    // Guarded by the store's lock.

    /// <summary>Bytes reserved so far: the next record's offset while this is the head.</summary>
    public long End { get; set; }

    /// <summary>Where the records after the segment's start (its start record, id floor and channel names) begin.</summary>
    public long HeaderEnd { get; set; }

    /// <summary>Unfinished messages whose payload is here.</summary>
    public int Live { get; private set; }

    /// <summary>Bytes of the records of those messages (payload plus <see cref="MessageOverhead"/> each).</summary>
    public long LiveBytes { get; private set; }

    /// <summary>
    /// The bytes a message record takes besides its payload (frame and header, without a dedup key). Counting them keeps
    /// a segment full of live messages at a live fraction near 1: counting payloads alone, a backlog of small messages
    /// looked mostly dead and compaction copied it forward again and again.
    /// </summary>
    public const int MessageOverhead = LogRecord.HeaderSize + 33;

    public void AddLive(int payloadLength)
    {
        Live++;
        LiveBytes += payloadLength + MessageOverhead;
    }

    public void RemoveLive(int payloadLength)
    {
        Live--;
        LiveBytes -= payloadLength + MessageOverhead;
    }

    /// <summary>The latest expiry of a dedup key recorded here (UTC ticks).</summary>
    public long MaxKeyExpiry { get; set; }

    /// <summary>Dedup keys recorded here.</summary>
    public int Keys { get; set; }

    /// <summary>What compaction counts as still needed: live payloads, and every key until the last one expires.</summary>
    public long NeededBytes(long nowTicks) => LiveBytes + (MaxKeyExpiry > nowTicks ? Keys * KeyBytes : 0);

    // A key costs about this much wherever it is kept (its 16 bytes, its expiry, its id and channel).
    private const long KeyBytes = 40;

    public void RecordKey(long expiresTicks)
    {
        Keys++;
        MaxKeyExpiry = Math.Max(MaxKeyExpiry, expiresTicks);
    }

    public static long PositionOf(long sequence, long offset) => (sequence << 32) | offset;

    public static long SequenceOf(long position) => position >>> 32;

    public static long OffsetOf(long position) => position & 0xFFFF_FFFF;

    public static string FileName(long sequence) => sequence.ToString("D12", System.Globalization.CultureInfo.InvariantCulture) + LogQueueStore.SegmentSuffix;
}

namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    private readonly BlockCache _cache = new();

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The record fails its checksum (the message names segment and offset).</exception>
    public ReadOnlyMemory<byte> ReadPayload(in PayloadRef payload)
    {
        var sequence = Segment.SequenceOf(payload.Position);
        var offset = Segment.OffsetOf(payload.Position);
        if (!_bySequence.TryGetValue(sequence, out var segment) && !TryFindRetired(sequence, out segment))
            throw new InvalidOperationException($"The log has no segment {sequence} for a payload at offset {offset}; it was compacted away.");
        var recordLength = LogRecord.HeaderSize + payload.Length;
        // A payload whose record fits in one cached block is copied from there: a backlog read in order costs one read
        // per block, and the head of a queue that consumers keep up with is read once per write.
        var bytes = _cache.TryCopyPayload(segment, offset, payload.Length) ?? ReadThroughCache(segment, offset, payload.Length);
        return bytes;
    }

    private byte[] ReadThroughCache(Segment segment, long offset, int payloadLength)
    {
        var file = segment.File ?? throw new InvalidOperationException($"Log segment '{segment.Path}' is not open.");
        var durable = segment.Durable;
        var blockStart = offset & ~(long)(BlockCache.BlockSize - 1);
        var bytes = _cache.Load(segment, file, blockStart, durable, offset, payloadLength);
        if (bytes is not null)
            return bytes;
        // A record larger than a block, or across two: read it alone.
        var header = new byte[LogRecord.HeaderSize];
        if (file.Read(header, offset) < header.Length)
            throw Damaged(segment, offset, "the record is cut short");
        var bodyLength = LogRecord.BodyLength(header);
        if (bodyLength < payloadLength || bodyLength > SegmentReader.MaxRecordBytes)
            throw Damaged(segment, offset, "the record length does not match");
        var record = new byte[LogRecord.HeaderSize + bodyLength];
        if (file.Read(record, offset) < record.Length)
            throw Damaged(segment, offset, "the record is cut short");
        return PayloadOf(segment, offset, record, payloadLength);
    }

    /// <summary>Checks a whole record and copies its payload (the last bytes of its body).</summary>
    internal static byte[] PayloadOf(Segment segment, long offset, ReadOnlySpan<byte> record, int payloadLength)
    {
        if (LogRecord.TypeOf(record) != LogRecordType.Message || !LogRecord.Verify(record))
            throw Damaged(segment, offset, "checksum mismatch");
        return record[^payloadLength..].ToArray();
    }

    private static InvalidDataException Damaged(Segment segment, long offset, string why) =>
        new($"Log segment '{segment.Path}' is damaged at offset {offset} ({why}); the message's payload cannot be read.");

    private bool TryFindRetired(long sequence, out Segment segment)
    {
        lock (_gate)
        {
            segment = _retired.Find(s => s.Sequence == sequence)!;
            return segment is not null;
        }
    }
}

/// <summary>
/// A few recently read 64 KiB blocks of segment files, so reading payloads in log order costs one read per block
/// rather than one per message. Thread-safe.
/// </summary>
internal sealed class BlockCache
{
    public const int BlockSize = 64 * 1024;
    private const int Capacity = 32;

    private readonly Lock _gate = new();
    private readonly Entry?[] _entries = new Entry?[Capacity];
    private int _clock;

    /// <summary>The payload from a cached block, or null when the block is not cached or does not hold the whole record.</summary>
    public byte[]? TryCopyPayload(Segment segment, long offset, int payloadLength)
    {
        var blockStart = offset & ~(long)(BlockSize - 1);
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (entry is not null && ReferenceEquals(entry.Segment, segment) && entry.Start == blockStart)
                    return Copy(entry, segment, offset, payloadLength);
            }
        }
        return null;
    }

    /// <summary>Reads the block into the cache and copies the payload from it; null when the record is not inside it.</summary>
    public byte[]? Load(Segment segment, ILogFile file, long blockStart, long durable, long offset, int payloadLength)
    {
        if (offset + LogRecord.HeaderSize + payloadLength > blockStart + BlockSize)
            return null;
        var length = (int)Math.Clamp(durable - blockStart, 0, BlockSize);
        var block = new byte[BlockSize];
        length = file.Read(block.AsSpan(0, length), blockStart);
        var entry = new Entry(segment, blockStart, block, length);
        lock (_gate)
        {
            var slot = Array.FindIndex(_entries, e => e is not null && ReferenceEquals(e.Segment, segment) && e.Start == blockStart);
            if (slot < 0)
            {
                slot = _clock;
                _clock = (_clock + 1) % Capacity;
            }
            _entries[slot] = entry;
            return Copy(entry, segment, offset, payloadLength);
        }
    }

    private static byte[]? Copy(Entry entry, Segment segment, long offset, int payloadLength)
    {
        var at = (int)(offset - entry.Start);
        if (at + LogRecord.HeaderSize > entry.Length)
            return null;
        var header = entry.Block.AsSpan(at, LogRecord.HeaderSize);
        var recordLength = LogRecord.HeaderSize + LogRecord.BodyLength(header);
        if (recordLength > entry.Length - at)
            return null;
        return LogQueueStore.PayloadOf(segment, offset, entry.Block.AsSpan(at, recordLength), payloadLength);
    }

    private sealed record Entry(Segment Segment, long Start, byte[] Block, int Length);
}

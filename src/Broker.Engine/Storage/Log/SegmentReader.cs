namespace Broker.Engine.Storage.Log;

/// <summary>Reads a segment's records in order, through a buffer that grows to the largest record.</summary>
internal sealed class SegmentReader
{
    // No record is this large; a length beyond it is damage, whatever the rest says.
    public const int MaxRecordBytes = 256 * 1024 * 1024;

    private readonly ILogFile _file;
    private readonly long _end;
    private byte[] _buffer = new byte[1024 * 1024];
    private long _bufferOffset;
    private int _bufferLength;

    public SegmentReader(ILogFile file, long end, long start = 0)
    {
        _file = file;
        _end = end;
        Offset = start;
        _bufferOffset = start;
    }

    /// <summary>Where the next record starts (or where reading stopped).</summary>
    public long Offset { get; private set; }

    /// <summary>Why <see cref="Next"/> returned false: empty when the data ended cleanly.</summary>
    public string? Problem { get; private set; }

    /// <summary>Reads the next record (header and body) whose checksum holds; false at the end of the data or at damage.</summary>
    public bool Next(out ReadOnlySpan<byte> record, bool verify = true)
    {
        record = default;
        Problem = null;
        var remaining = _end - Offset;
        if (remaining == 0)
            return false;
        if (remaining < LogRecord.HeaderSize)
        {
            var tail = Load(Offset, (int)remaining);
            if (tail.ContainsAnyExcept((byte)0))
                Problem = "a partial record header";
            return false;
        }
        var header = Load(Offset, LogRecord.HeaderSize);
        if (LogRecord.IsZeroHeader(header))
        {
            // The zeros of a preallocated segment: the data ends here, if nothing but zeros follows.
            if (!IsZeroFrom(Offset))
                Problem = "zeros where a record should be, with data after them";
            return false;
        }
        var bodyLength = LogRecord.BodyLength(header);
        var type = LogRecord.TypeOf(header);
        if (!LogRecord.IsKnown(type))
        {
            Problem = $"unknown record type {(int)type}";
            return false;
        }
        if (bodyLength > MaxRecordBytes || bodyLength > remaining - LogRecord.HeaderSize)
        {
            Problem = $"a record length of {bodyLength} bytes that runs past the end of the segment";
            return false;
        }
        var whole = Load(Offset, LogRecord.HeaderSize + bodyLength);
        if (verify && !LogRecord.Verify(whole))
        {
            Problem = "a checksum mismatch";
            return false;
        }
        if (verify && LogRecord.StructureProblem(type, whole[LogRecord.HeaderSize..]) is { } structure)
        {
            Problem = structure;
            return false;
        }
        record = whole;
        Offset += whole.Length;
        return true;
    }

    /// <summary>True when every byte from <paramref name="offset"/> to the end is zero.</summary>
    public bool IsZeroFrom(long offset)
    {
        var chunk = new byte[64 * 1024];
        for (var at = offset; at < _end; at += chunk.Length)
        {
            var length = (int)Math.Min(chunk.Length, _end - at);
            var read = _file.Read(chunk.AsSpan(0, length), at);
            if (chunk.AsSpan(0, read).ContainsAnyExcept((byte)0))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Looks for an intact record that began a write, after <paramref name="from"/>. Its presence proves the damage at
    /// <paramref name="from"/> was synced before that later write began: damage, not a torn tail.
    /// </summary>
    public long FindBatchStartAfter(long from)
    {
        var length = _end - from;
        if (length <= 0)
            return -1;
        var region = new byte[length];
        var read = _file.Read(region, from);
        var span = region.AsSpan(0, read);
        for (var i = 1; i + LogRecord.HeaderSize <= span.Length; i++)
        {
            var header = span[i..];
            if ((header[4] & LogRecord.BatchStartFlag) == 0 || !LogRecord.IsKnown(LogRecord.TypeOf(header)))
                continue;
            var bodyLength = LogRecord.BodyLength(header);
            if (bodyLength > span.Length - i - LogRecord.HeaderSize)
                continue;
            if (LogRecord.Verify(span.Slice(i, LogRecord.HeaderSize + bodyLength)))
                return from + i;
        }
        return -1;
    }

    private ReadOnlySpan<byte> Load(long offset, int length)
    {
        if (offset >= _bufferOffset && offset + length <= _bufferOffset + _bufferLength)
            return _buffer.AsSpan((int)(offset - _bufferOffset), length);
        if (length > _buffer.Length)
            _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
        _bufferOffset = offset;
        var want = (int)Math.Min(_buffer.Length, _end - offset);
        _bufferLength = _file.Read(_buffer.AsSpan(0, want), offset);
        return _buffer.AsSpan(0, Math.Min(length, _bufferLength));
    }
}

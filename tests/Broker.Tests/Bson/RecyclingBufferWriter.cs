using System.Buffers;

namespace Broker.Tests.Bson;

/// <summary>
/// An output that behaves like the least forgiving legal <see cref="IBufferWriter{T}"/>: it hands out spans of exactly
/// the size asked for, and overwrites the previous span whenever it hands out a new one, as a pooled writer that
/// recycles its buffers may. A writer that reads a span after asking for the next one produces garbage here.
/// </summary>
internal sealed class RecyclingBufferWriter : IBufferWriter<byte>
{
    private readonly List<byte> _committed = [];
    private byte[]? _current;

    public int GetSpanCalls { get; private set; }

    public int AdvanceCalls { get; private set; }

    public byte[] WrittenBytes => [.. _committed];

    public void Advance(int count)
    {
        if (_current is null || count > _current.Length)
            throw new InvalidOperationException("Advanced past the span handed out.");
        AdvanceCalls++;
        _committed.AddRange(_current.AsSpan(0, count));
        _current = null;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => NextBuffer(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => NextBuffer(sizeHint);

    private byte[] NextBuffer(int sizeHint)
    {
        GetSpanCalls++;
        if (_current is not null)
            Array.Fill(_current, (byte)0xCC);
        _current = new byte[Math.Max(sizeHint, 1)];
        return _current;
    }
}

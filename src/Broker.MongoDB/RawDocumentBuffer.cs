using System.Buffers;

namespace Broker.Bson;

/// <summary>
/// One growable array per thread that a codec writes a document into before it is handed to MongoDB.Bson's writer,
/// which copies it; so serializing through the adapter does not allocate a buffer per document.
/// </summary>
internal sealed class RawDocumentBuffer : IBufferWriter<byte>
{
    [ThreadStatic]
    private static RawDocumentBuffer? t_buffer;

    private byte[] _array = new byte[256];

    public byte[] Array => _array;

    public int Length { get; private set; }

    public static RawDocumentBuffer ForThisThread()
    {
        var buffer = t_buffer ??= new RawDocumentBuffer();
        buffer.Length = 0;
        return buffer;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _array.Length - Length);
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(Length);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_array.Length - Length >= needed)
            return;
        var larger = new byte[Math.Max(checked(Length + needed), _array.Length * 2)];
        _array.AsSpan(0, Length).CopyTo(larger);
        _array = larger;
    }
}

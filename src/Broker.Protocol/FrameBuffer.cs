using System.Buffers;
using System.Buffers.Binary;

namespace Broker.Protocol;

/// <summary>
/// A growable buffer of pooled bytes that frames are encoded into, then written to the socket in one call. Frame
/// bodies are BSON written by <see cref="Bson.BsonWriter"/> through <see cref="IBufferWriter{T}"/>; the header's size
/// is patched once the body's length is known.
/// </summary>
public sealed class FrameBuffer : IBufferWriter<byte>, IDisposable
{
    // A buffer that grew past this for a burst goes back to the pool when reset, so an idle connection stays small.
    private const int KeepCapacity = 256 * 1024;
    private readonly int _initialCapacity;
    private byte[] _array;
    private int _written;
    private bool _disposed;

    /// <summary>Rents the first array from the shared pool.</summary>
    /// <param name="initialCapacity">Bytes to start with, and to shrink back to when <see cref="Reset"/> gives a large array back.</param>
    public FrameBuffer(int initialCapacity = 4096)
    {
        _initialCapacity = initialCapacity;
        _array = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>Bytes written so far.</summary>
    public int WrittenCount => _written;

    /// <summary>The bytes written so far, valid until the buffer is written to, reset or disposed.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    /// <summary>The bytes written so far, valid until the buffer is written to, reset or disposed.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);

    /// <inheritdoc />
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_array.Length - _written))
            throw new ArgumentOutOfRangeException(nameof(count), count, "Advanced past the end of the buffer.");
        _written += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>Writes a little-endian uint32 over bytes already written (a frame's size).</summary>
    public void PatchUInt32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_array.AsSpan(offset, 4), value);

    /// <summary>Forgets what was written after <paramref name="length"/> bytes (a frame that failed half-way).</summary>
    public void Truncate(int length)
    {
        if ((uint)length > (uint)_written)
            throw new ArgumentOutOfRangeException(nameof(length));
        _written = length;
    }

    /// <summary>Empties the buffer and keeps its array, however large, for the frames that follow at once.</summary>
    public void Clear() => _written = 0;

    /// <summary>Empties the buffer, giving a large array back to the pool.</summary>
    public void Reset()
    {
        _written = 0;
        if (!_disposed && _array.Length > KeepCapacity)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = ArrayPool<byte>.Shared.Rent(_initialCapacity);
        }
    }

    /// <summary>Gives the array back to the pool; the buffer is empty and accepts no more bytes.</summary>
    public void Dispose()
    {
        _disposed = true;
        var array = _array;
        _array = [];
        _written = 0;
        if (array.Length > 0)
            ArrayPool<byte>.Shared.Return(array);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_array.Length - _written >= needed)
            return;
        ObjectDisposedException.ThrowIf(_disposed, this);
        var larger = ArrayPool<byte>.Shared.Rent(checked(Math.Max(_array.Length * 2, _written + needed)));
        _array.AsSpan(0, _written).CopyTo(larger);
        if (_array.Length > 0)
            ArrayPool<byte>.Shared.Return(_array);
        _array = larger;
    }
}

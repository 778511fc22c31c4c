using System.Buffers;

namespace Broker.Protocol;

/// <summary>
/// Cuts a byte stream into frames. Each frame's size is checked against the limit before anything is allocated for
/// it; only then may the buffer grow to hold it. Frames are handed out as ranges of <see cref="Buffer"/>, valid until
/// the next <see cref="FillAsync"/>.
/// </summary>
public sealed class FrameReader : IDisposable
{
    private readonly Stream _stream;
    private readonly int _bufferSize;
    private byte[] _buffer;
    private int _start;
    private int _end;

    /// <summary>Reads frames from <paramref name="stream"/>.</summary>
    /// <param name="stream">The connection's stream; the reader does not own it.</param>
    /// <param name="maxFrameBytes">The largest frame accepted (see <see cref="MaxFrameBytes"/>).</param>
    /// <param name="bufferSize">Bytes read at once; the buffer grows past it only for a larger frame, and shrinks back when idle.</param>
    public FrameReader(Stream stream, int maxFrameBytes, int bufferSize = 64 * 1024)
    {
        _stream = stream;
        MaxFrameBytes = maxFrameBytes;
        _bufferSize = bufferSize;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    /// <summary>The largest frame accepted; may be raised once the peer's limits are known.</summary>
    public int MaxFrameBytes { get; set; }

    /// <summary>The bytes frames are taken from.</summary>
    public byte[] Buffer => _buffer;

    /// <summary>Bytes received and not yet taken as frames.</summary>
    public int Buffered => _end - _start;

    /// <summary>Reads more bytes from the stream.</summary>
    /// <returns>False at the end of the stream.</returns>
    /// <exception cref="ProtocolException">The stream ended in the middle of a frame.</exception>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
            ShrinkIfIdle();
        }
        else if (_buffer.Length - _end < 1024 && _start > 0)
        {
            // Make room: move the partial frame to the front (TryTake already grew the buffer if the frame needs more).
            var pending = _end - _start;
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _start = 0;
            _end = pending;
        }
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            if (_end != _start)
                throw new ProtocolException(ErrorCodes.Malformed, $"The connection closed in the middle of a frame ({_end - _start} bytes received of it).");
            return false;
        }
        _end += read;
        return true;
    }

    /// <summary>Takes the next complete frame out of the buffer.</summary>
    /// <param name="offset">Where the frame starts in <see cref="Buffer"/>.</param>
    /// <param name="length">Its length, header included.</param>
    /// <returns>False when no complete frame is buffered yet.</returns>
    /// <exception cref="ProtocolException">The size prefix is below the header length or above <see cref="MaxFrameBytes"/>.</exception>
    public bool TryTake(out int offset, out int length)
    {
        offset = length = 0;
        var available = _end - _start;
        if (available < 4)
            return false;
        var size = FrameHeader.ReadSize(_buffer.AsSpan(_start));
        if (size < FrameHeader.Length)
            throw new ProtocolException(ErrorCodes.Malformed, $"A frame declares {size} bytes; a frame has at least its {FrameHeader.Length}-byte header.");
        if (size > (uint)MaxFrameBytes)
            throw new ProtocolException(ErrorCodes.FrameTooLarge, $"A frame declares {size} bytes; the limit is {MaxFrameBytes}.");
        if (available < size)
        {
            if (size > _buffer.Length)
                Grow((int)size);
            return false;
        }
        offset = _start;
        length = (int)size;
        _start += length;
        return true;
    }

    /// <summary>Gives the buffer back to the pool; frames taken from it are no longer valid.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    // Called only for a size already checked against the limit.
    private void Grow(int frameSize)
    {
        var larger = ArrayPool<byte>.Shared.Rent(frameSize);
        var pending = _end - _start;
        _buffer.AsSpan(_start, pending).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
        _start = 0;
        _end = pending;
    }

    private void ShrinkIfIdle()
    {
        if (_buffer.Length <= _bufferSize * 2)
            return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
    }
}

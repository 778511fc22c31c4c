using System.Buffers;
using Broker.Protocol;

namespace Broker.Server.Deepkit;

/// <summary>
/// Reassembles frames a Deepkit client sends as Chunks (any frame of 100,000 bytes or more). A chunk stream's declared
/// total is checked against the frame limit before its buffer is allocated, chunks must arrive in order, and a
/// connection may have only a few streams open at once.
/// </summary>
internal sealed class ChunkAssembler(int maxFrameBytes, int maxStreams = 4) : IDisposable
{
    private readonly Dictionary<uint, Partial> _streams = [];

    /// <summary>The largest chunked frame accepted; raised when the connection authenticates.</summary>
    public int MaxFrameBytes { get; set; } = maxFrameBytes;

    /// <summary>Adds a chunk.</summary>
    /// <param name="id">The chunk frames' id (the id of the frame they carry).</param>
    /// <param name="chunk">The chunk.</param>
    /// <param name="frame">The whole frame once its last chunk arrived (a pooled buffer: give it back with <see cref="Return"/>).</param>
    /// <returns>True when <paramref name="frame"/> is complete.</returns>
    /// <exception cref="ProtocolException">The chunk does not fit its stream or the limits.</exception>
    public bool Add(uint id, in ChunkRequest chunk, out ArraySegment<byte> frame)
    {
        frame = default;
        if (!_streams.TryGetValue(id, out var partial))
        {
            if (chunk.Sequence != 0)
                throw new ProtocolException(ErrorCodes.Malformed, $"Chunk {chunk.Sequence} of frame {id} arrived without chunk 0.");
            if (chunk.Total < FrameHeader.Length)
                throw new ProtocolException(ErrorCodes.Malformed, $"A chunked frame declares {chunk.Total} bytes; a frame has at least {FrameHeader.Length}.");
            if (chunk.Total > MaxFrameBytes)
                throw new ProtocolException(ErrorCodes.FrameTooLarge, $"A chunked frame declares {chunk.Total} bytes; the limit is {MaxFrameBytes}.");
            if (_streams.Count >= maxStreams)
                throw new ProtocolException(ErrorCodes.Malformed, $"More than {maxStreams} chunked frames are in progress on one connection.");
            partial = new Partial(ArrayPool<byte>.Shared.Rent((int)chunk.Total), (int)chunk.Total);
            _streams.Add(id, partial);
        }
        else if (chunk.Total != partial.Total || chunk.Sequence != partial.NextSequence)
        {
            throw new ProtocolException(ErrorCodes.Malformed, $"Chunk {chunk.Sequence} of frame {id} (total {chunk.Total}) does not continue its stream (expected chunk {partial.NextSequence}, total {partial.Total}).");
        }
        if (chunk.Slice.Length > partial.Total - partial.Received)
            throw new ProtocolException(ErrorCodes.Malformed, $"The chunks of frame {id} carry more than its declared {partial.Total} bytes.");
        chunk.Slice.CopyTo(partial.Buffer.AsSpan(partial.Received));
        partial.Received += chunk.Slice.Length;
        partial.NextSequence++;
        if (partial.Received < partial.Total)
            return false;
        _streams.Remove(id);
        frame = new ArraySegment<byte>(partial.Buffer, 0, partial.Total);
        return true;
    }

    public static void Return(ArraySegment<byte> frame)
    {
        if (frame.Array is { } array) ArrayPool<byte>.Shared.Return(array);
    }

    public void Dispose()
    {
        foreach (var partial in _streams.Values)
            ArrayPool<byte>.Shared.Return(partial.Buffer);
        _streams.Clear();
    }

    private sealed class Partial(byte[] buffer, int total)
    {
        public byte[] Buffer { get; } = buffer;

        public int Total { get; } = total;

        public int Received { get; set; }

        public int NextSequence { get; set; }
    }
}

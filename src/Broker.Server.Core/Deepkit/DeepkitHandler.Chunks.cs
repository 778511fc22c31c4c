using Broker.Protocol;

namespace Broker.Server.Deepkit;

internal sealed partial class DeepkitHandler
{
    private readonly ChunkAssembler _chunks;

    /// <summary>The largest chunked frame accepted; raised with the connection's frame limit when it authenticates.</summary>
    public int MaxChunkedFrameBytes
    {
        get => _chunks.MaxFrameBytes;
        set => _chunks.MaxFrameBytes = value;
    }

    /// <summary>Chunk: acknowledges the slice and, once the frame it belongs to is complete, has the connection handle that frame.</summary>
    public void Chunk(uint id, ReadOnlySpan<byte> body)
    {
        var chunk = ChunkRequest.Read(body);
        var complete = _chunks.Add(id, chunk, out var frame);
        using (var scope = _connection.Outbound.Enter())
            FrameWriter.WriteEmpty(scope.Buffer, id, MessageType.ChunkAck);
        if (!complete)
            return;
        try
        {
            var inner = frame.AsSpan();
            if (FrameHeader.ReadSize(inner) != inner.Length)
                throw new ProtocolException(ErrorCodes.Malformed, $"A chunked frame's size prefix says {FrameHeader.ReadSize(inner)} bytes; its chunks carried {inner.Length}.");
            if (inner[11] == (byte)MessageType.Chunk)
                throw new ProtocolException(ErrorCodes.Malformed, "A chunked frame cannot itself be a chunk.");
            _connection.Dispatch(inner, id);
        }
        finally
        {
            ChunkAssembler.Return(frame);
        }
    }
}

using Broker.Bson;
using Broker.Protocol;

namespace Broker.Server.Deepkit;

/// <summary>Chunk (2): one slice of a large frame, <c>{seq, total: the whole frame's size, v: the slice}</c>.</summary>
internal readonly ref struct ChunkRequest
{
    public int Sequence { get; init; }

    public long Total { get; init; }

    public ReadOnlySpan<byte> Slice { get; init; }

    public static ChunkRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Chunk);
        int? sequence = null;
        long? total = null;
        ReadOnlySpan<byte> slice = default;
        var hasSlice = false;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("seq"u8)) sequence = (int)Wire.ReadInteger(ref reader, "seq");
            else if (field.SequenceEqual("total"u8)) total = Wire.ReadInteger(ref reader, "total");
            else if (field.SequenceEqual("v"u8))
            {
                slice = reader.ReadBinary(out _);
                hasSlice = true;
            }
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        if (!hasSlice) throw Wire.Missing(MessageType.Chunk, "v");
        return new ChunkRequest
        {
            Sequence = sequence ?? throw Wire.Missing(MessageType.Chunk, "seq"),
            Total = total ?? throw Wire.Missing(MessageType.Chunk, "total"),
            Slice = slice,
        };
    }
}

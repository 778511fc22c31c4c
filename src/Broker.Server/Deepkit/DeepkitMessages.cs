using Broker.Bson;
using Broker.Protocol;

namespace Broker.Server.Deepkit;

/// <summary>The <c>hash</c> of a Deepkit QueuePublish: absent, a number (xxHash32 of <c>v</c>, or the producer's) or a string.</summary>
internal readonly record struct DeepkitHash(bool IsPresent, bool IsString, double Number, string? Text);

/// <summary>
/// QueuePublish (126), as Deepkit 1.0.19's client sends it: <c>{process: 0 exactlyOnce | 1 atLeastOnce,
/// deduplicationInterval: ms, hash?: int32 | double | string, delay: null | ms, priority: null | number, c, v}</c>.
/// Every optional field may be null or absent; numbers may be int32, int64 or double.
/// </summary>
internal readonly ref struct QueuePublishRequest
{
    public int Process { get; init; }

    public double DedupIntervalMs { get; init; }

    public DeepkitHash Hash { get; init; }

    public double DelayMs { get; init; }

    public double Priority { get; init; }

    public string Channel { get; init; }

    public ReadOnlySpan<byte> Payload { get; init; }

    public static QueuePublishRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.QueuePublish);
        var process = (int)QueueMessageProcessing.AtLeastOnce;
        double interval = 0, delay = 0, priority = 0;
        DeepkitHash hash = default;
        string? channel = null;
        ReadOnlySpan<byte> payload = default;
        var hasPayload = false;
        while (reader.ReadElement(out var field))
        {
            if (reader.TryReadNull()) continue;
            if (field.SequenceEqual("c"u8)) channel = reader.ReadString();
            else if (field.SequenceEqual("v"u8))
            {
                payload = Wire.ReadPayload(ref reader);
                hasPayload = true;
            }
            else if (field.SequenceEqual("process"u8)) process = (int)Wire.ReadNumber(ref reader);
            else if (field.SequenceEqual("deduplicationInterval"u8)) interval = Wire.ReadNumber(ref reader);
            else if (field.SequenceEqual("delay"u8)) delay = Wire.ReadNumber(ref reader);
            else if (field.SequenceEqual("priority"u8)) priority = Wire.ReadNumber(ref reader);
            else if (field.SequenceEqual("hash"u8))
            {
                hash = reader.CurrentType == BsonType.String
                    ? new DeepkitHash(true, true, 0, reader.ReadString())
                    : new DeepkitHash(true, false, Wire.ReadNumber(ref reader), null);
            }
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        if (!hasPayload) throw Wire.Missing(MessageType.QueuePublish, "v");
        return new QueuePublishRequest
        {
            Process = process,
            DedupIntervalMs = interval,
            Hash = hash,
            DelayMs = delay,
            Priority = priority,
            Channel = channel ?? throw Wire.Missing(MessageType.QueuePublish, "c"),
            Payload = payload,
        };
    }
}

/// <summary>QueueSubscribe (127) <c>{c, maxParallel}</c> and QueueUnsubscribe (128) <c>{c}</c>.</summary>
internal readonly record struct QueueSubscribeRequest(string Channel, int MaxParallel)
{
    public static QueueSubscribeRequest Read(ReadOnlySpan<byte> body, MessageType type)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, type);
        string? channel = null;
        double maxParallel = 1;
        while (reader.ReadElement(out var field))
        {
            if (reader.TryReadNull()) continue;
            if (field.SequenceEqual("c"u8)) channel = reader.ReadString();
            else if (field.SequenceEqual("maxParallel"u8)) maxParallel = Wire.ReadNumber(ref reader);
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        if (!(maxParallel >= 1 && maxParallel <= int.MaxValue))
            throw new ProtocolException(ErrorCodes.InvalidRequest, $"maxParallel must be at least 1, not {Wire.Describe(maxParallel)}.");
        return new QueueSubscribeRequest(channel ?? throw Wire.Missing(type, "c"), (int)maxParallel);
    }
}

/// <summary>QueueResponseHandleMessage (129), pushed with route type 1 and frame id 0: <c>{c, id, v}</c>.</summary>
internal static class QueueResponseHandleMessage
{
    /// <summary>The exact length of the frame <see cref="Write"/> writes, so room for it can be reserved before the payload is read.</summary>
    public static int FrameSize(string channel, long id, int payloadLength) =>
        // Header, document length and end; c (type, name, length, bytes, NUL); id (type, name, int32 or int64); v (type,
        // name, length, subtype).
        FrameHeader.Length + 4 + 1
        + 1 + 2 + 4 + System.Text.Encoding.UTF8.GetByteCount(channel) + 1
        + 1 + 3 + (id is >= int.MinValue and <= int.MaxValue ? 4 : 8)
        + 1 + 2 + 4 + 1 + payloadLength;

    public static void Write(FrameBuffer buffer, string channel, long id, ReadOnlySpan<byte> payload)
    {
        var frame = new DocumentFrame(buffer, 0, RouteType.Server, MessageType.QueueResponseHandleMessage);
        ref var writer = ref frame.Writer;
        writer.WriteString("c"u8, channel);
        // Deepkit writes ids as int32; its client also reads int64, which ids past 2^31 need.
        if (id is >= int.MinValue and <= int.MaxValue) writer.WriteInt32("id"u8, (int)id);
        else writer.WriteInt64("id"u8, id);
        writer.WriteBinary("v"u8, payload);
        frame.End();
    }
}

/// <summary>QueueMessageHandled (130): <c>{c, id, success, error: null | string, delay: null | number (seconds)}</c>.</summary>
internal readonly record struct QueueMessageHandledRequest(string Channel, long MessageId, bool Success, string? Error, double DelaySeconds)
{
    public static QueueMessageHandledRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.QueueMessageHandled);
        string? channel = null, error = null;
        long? id = null;
        var success = false;
        double delay = 0;
        while (reader.ReadElement(out var field))
        {
            if (reader.TryReadNull()) continue;
            if (field.SequenceEqual("c"u8)) channel = reader.ReadString();
            else if (field.SequenceEqual("id"u8)) id = Wire.ReadInteger(ref reader, "id");
            else if (field.SequenceEqual("success"u8)) success = reader.ReadBoolean();
            else if (field.SequenceEqual("error"u8)) error = reader.CurrentType == BsonType.String ? reader.ReadString() : SkipAsText(ref reader);
            else if (field.SequenceEqual("delay"u8)) delay = Wire.ReadNumber(ref reader);
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new QueueMessageHandledRequest(
            channel ?? throw Wire.Missing(MessageType.QueueMessageHandled, "c"),
            id ?? throw Wire.Missing(MessageType.QueueMessageHandled, "id"),
            success,
            error,
            delay);
    }

    private static string SkipAsText(ref BsonReader reader)
    {
        var type = reader.CurrentType;
        reader.Skip();
        return "Error: (a non-string error of BSON type " + type + ")";
    }
}

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

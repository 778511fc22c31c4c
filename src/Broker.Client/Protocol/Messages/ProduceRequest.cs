using Broker.Bson;
using Broker.Transport;

namespace Broker.Client.Protocol.Messages;

/// <summary>
/// Produce (163): <c>{c, v: payload, q?: sequence, w?: watermark, k?: dedup key, d?: dedup window ms, t?: delay ms,
/// p?: priority}</c>. <c>q</c> numbers the produce within the connection's session (Hello) so that a retry after a
/// reconnect is recognised; <c>w</c> is the lowest sequence the client still waits for, so the server may forget
/// every outcome below it.
/// </summary>
internal readonly ref struct ProduceRequest
{
    public string Channel { get; init; }

    public ReadOnlySpan<byte> Payload { get; init; }

    public long? Sequence { get; init; }

    public long Watermark { get; init; }

    public UInt128? DedupKey { get; init; }

    public long DedupWindowMs { get; init; }

    public long DelayMs { get; init; }

    public int Priority { get; init; }

    public static ProduceRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Produce);
        string? channel = null;
        ReadOnlySpan<byte> payload = default;
        var hasPayload = false;
        long? sequence = null;
        long watermark = 0, window = 0, delay = 0;
        UInt128? key = null;
        var priority = 0;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'c': channel = reader.ReadString(); break;
                case (byte)'v': payload = Wire.ReadPayload(ref reader); hasPayload = true; break;
                case (byte)'q': sequence = reader.ReadInt64(); break;
                case (byte)'w': watermark = reader.ReadInt64(); break;
                case (byte)'k': key = Wire.ReadKey(ref reader, "k"); break;
                case (byte)'d': window = reader.ReadInt64(); break;
                case (byte)'t': delay = reader.ReadInt64(); break;
                case (byte)'p': priority = reader.ReadInt32(); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        if (!hasPayload) throw Wire.Missing(MessageType.Produce, "v");
        if (key is not null && window <= 0)
            throw new ProtocolException(ErrorCodes.InvalidRequest, "A Produce with a dedup key 'k' needs a positive dedup window 'd'.");
        return new ProduceRequest
        {
            Channel = channel ?? throw Wire.Missing(MessageType.Produce, "c"),
            Payload = payload,
            Sequence = sequence,
            Watermark = watermark,
            DedupKey = key,
            DedupWindowMs = window,
            DelayMs = delay,
            Priority = priority,
        };
    }

    public static void Write(FrameBuffer buffer, uint id, in OutgoingMessage message, long sequence, long watermark)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Produce);
        ref var writer = ref frame.Writer;
        writer.WriteString("c"u8, message.Channel.Name);
        writer.WriteBinary("v"u8, message.Payload.Span);
        writer.WriteInt64("q"u8, sequence);
        writer.WriteInt64("w"u8, watermark);
        if (message.Dedup is { } dedup)
        {
            Wire.WriteKey(ref writer, "k"u8, dedup.Key);
            writer.WriteInt64("d"u8, Math.Max(1, Wire.ToMilliseconds(dedup.Window)));
        }
        if (message.Delay > TimeSpan.Zero) writer.WriteInt64("t"u8, Wire.ToMilliseconds(message.Delay));
        if (message.Priority != 0) writer.WriteInt32("p"u8, message.Priority);
        frame.End();
    }
}

/// <summary>Produced (164): <c>{s: 0 enqueued | 1 duplicate, i: message id}</c>.</summary>
internal static class ProducedReply
{
    public static void Write(FrameBuffer buffer, uint id, ProduceResult result)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Produced);
        ref var writer = ref frame.Writer;
        writer.WriteInt32("s"u8, result.Status == ProduceStatus.Enqueued ? 0 : 1);
        writer.WriteInt64("i"u8, result.MessageId);
        frame.End();
    }

    public static ProduceResult Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Produced);
        int? status = null;
        long? messageId = null;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("s"u8)) status = reader.ReadInt32();
            else if (field.SequenceEqual("i"u8)) messageId = reader.ReadInt64();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new ProduceResult(
            (status ?? throw Wire.Missing(MessageType.Produced, "s")) == 0 ? ProduceStatus.Enqueued : ProduceStatus.Duplicate,
            messageId ?? throw Wire.Missing(MessageType.Produced, "i"));
    }
}

using Broker.Bson;
using Broker.Transport;

namespace Broker.Protocol.Messages;

/// <summary>
/// Produce (163): <c>{c, v: payload, q?: sequence, w?: watermark, k?: dedup key, d?: dedup window ms, t?: delay ms,
/// p?: priority, h?: headers, o?: ordering key}</c>; <c>h</c> is binary holding the headers' BSON document of string values. <c>q</c> numbers the produce within the connection's session (Hello) so that a retry after a
/// reconnect is recognised; <c>w</c> is the lowest sequence the client still waits for, so the server may forget
/// every outcome below it.
/// </summary>
public readonly ref struct ProduceRequest : IRequestFrame
{
    /// <summary>The channel's name.</summary>
    public string Channel { get; init; }

    /// <summary>The message's BSON bytes (when read, a slice of the frame).</summary>
    public ReadOnlySpan<byte> Payload { get; init; }

    /// <summary>The produce's number in its session; null when the producer has no session (the produce is not retried).</summary>
    public long? Sequence { get; init; }

    /// <summary>The lowest sequence the producer still waits for; sent with <see cref="Sequence"/>.</summary>
    public long Watermark { get; init; }

    /// <summary>The deduplication key of an ExactlyOnce message; null for AtLeastOnce.</summary>
    public UInt128? DedupKey { get; init; }

    /// <summary>How long <see cref="DedupKey"/> is remembered, in milliseconds; positive when there is a key.</summary>
    public long DedupWindowMs { get; init; }

    /// <summary>How long the message stays invisible, in milliseconds; 0 (not sent) for none.</summary>
    public long DelayMs { get; init; }

    /// <summary>The message's priority; 0 (not sent) by default.</summary>
    public int Priority { get; init; }

    /// <summary>The message's headers (a BSON document of string values; when read, a slice of the frame); empty (not sent) for none.</summary>
    public ReadOnlySpan<byte> Headers { get; init; }

    /// <summary>The message's ordering key (<c>docs/ordering.md</c>); null (not sent) for an unordered message.</summary>
    public string? OrderingKey { get; init; }

    /// <summary>The request that stores <paramref name="message"/> as produce <paramref name="sequence"/> of the session.</summary>
    /// <param name="channel">The channel's name.</param>
    /// <param name="message">The message; its payload and headers must stay valid until the request is written.</param>
    /// <param name="sequence">The produce's number in the session.</param>
    /// <param name="watermark">The lowest sequence the producer still waits for.</param>
    public static ProduceRequest From(string channel, in OutgoingMessage message, long sequence, long watermark) => new()
    {
        Channel = channel,
        Payload = message.Payload.Span,
        Headers = message.Headers.Span,
        Sequence = sequence,
        Watermark = watermark,
        DedupKey = message.Dedup?.Key,
        // A dedup window never goes out as 0 ms: 'd' must be positive whenever 'k' is sent.
        DedupWindowMs = message.Dedup is { } dedup ? Math.Max(1, Wire.ToMilliseconds(dedup.Window)) : 0,
        DelayMs = Wire.ToMilliseconds(message.Delay),
        Priority = message.Priority,
        OrderingKey = message.OrderingKey,
    };

    /// <summary>Parses a body; its payload is a slice of <paramref name="body"/>.</summary>
    /// <exception cref="ProtocolException">A required field is missing, or a dedup key comes without a positive window.</exception>
    public static ProduceRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Produce);
        string? channel = null;
        ReadOnlySpan<byte> payload = default;
        ReadOnlySpan<byte> headers = default;
        var hasPayload = false;
        long? sequence = null;
        long watermark = 0, window = 0, delay = 0;
        UInt128? key = null;
        var priority = 0;
        string? orderingKey = null;
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
                case (byte)'h': headers = Wire.ReadPayload(ref reader); break;
                case (byte)'o': orderingKey = reader.ReadString(); break;
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
            Headers = headers,
            OrderingKey = orderingKey,
        };
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Produce);
        ref var writer = ref frame.Writer;
        writer.WriteString("c"u8, Channel);
        writer.WriteBinary("v"u8, Payload);
        if (Sequence is { } sequence)
        {
            writer.WriteInt64("q"u8, sequence);
            writer.WriteInt64("w"u8, Watermark);
        }
        if (DedupKey is { } key)
        {
            Wire.WriteKey(ref writer, "k"u8, key);
            writer.WriteInt64("d"u8, DedupWindowMs);
        }
        if (DelayMs > 0) writer.WriteInt64("t"u8, DelayMs);
        if (Priority != 0) writer.WriteInt32("p"u8, Priority);
        if (!Headers.IsEmpty) writer.WriteBinary("h"u8, Headers);
        if (OrderingKey is not null) writer.WriteString("o"u8, OrderingKey);
        frame.End();
    }
}

/// <summary>Produced (164): <c>{s: 0 enqueued | 1 duplicate, i: message id}</c>.</summary>
public static class ProducedReply
{
    /// <summary>Writes the reply to the Produce request <paramref name="id"/>.</summary>
    public static void Write(FrameBuffer buffer, uint id, ProduceResult result)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Produced);
        ref var writer = ref frame.Writer;
        writer.WriteInt32("s"u8, result.Status == ProduceStatus.Enqueued ? 0 : 1);
        writer.WriteInt64("i"u8, result.MessageId);
        frame.End();
    }

    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">A required field is missing.</exception>
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

using Broker.Bson;
using Broker.Transport;

namespace Broker.Protocol.Messages;

/// <summary>
/// Delivery (166), pushed with route type 1 and frame id 0: <c>{s: subscription, i: message id, t: tries, a: produced
/// at (UTC datetime), p: priority, k: lease token, v: payload, h?: headers}</c>; <c>h</c> is binary holding the
/// headers' BSON document, sent only when the message has headers.
/// </summary>
public readonly ref struct DeliveryPush
{
    /// <summary>The subscription the delivery is for, as the client numbered it.</summary>
    public int Subscription { get; init; }

    /// <summary>The message id.</summary>
    public long MessageId { get; init; }

    /// <summary>Which delivery of the message this is, from 1.</summary>
    public int Tries { get; init; }

    /// <summary>When the message was stored, to the millisecond.</summary>
    public DateTimeOffset ProducedAt { get; init; }

    /// <summary>The message's priority.</summary>
    public int Priority { get; init; }

    /// <summary>The lease this delivery holds; settles and renewals carry it back.</summary>
    public long LeaseToken { get; init; }

    /// <summary>The message's BSON bytes, a slice of the frame.</summary>
    public ReadOnlySpan<byte> Payload { get; init; }

    /// <summary>The message's headers (a BSON document), a slice of the frame; empty for none.</summary>
    public ReadOnlySpan<byte> Headers { get; init; }

    /// <summary>
    /// The exact length of a Delivery frame whose payload is <paramref name="payloadLength"/> bytes and headers
    /// <paramref name="headersLength"/> (every other field has a fixed size), so room for it can be reserved before the
    /// payload is read.
    /// </summary>
    public static int FrameSize(int payloadLength, int headersLength = 0) =>
        // Header, document length and end, then s, i, t, a, p, k (type, name, value), v and h (type, name, length, subtype).
        FrameHeader.Length + 4 + 1 + 7 + 11 + 7 + 11 + 7 + 11 + 8 + payloadLength + (headersLength > 0 ? 8 + headersLength : 0);

    /// <summary>Writes a delivery with its payload and headers (read separately when the delivery was made without them).</summary>
    public static void Write(FrameBuffer buffer, int subscription, Delivery delivery, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> headers)
    {
        var frame = new DocumentFrame(buffer, 0, RouteType.Server, MessageType.Delivery);
        ref var writer = ref frame.Writer;
        writer.WriteInt32("s"u8, subscription);
        writer.WriteInt64("i"u8, delivery.Id);
        writer.WriteInt32("t"u8, delivery.Tries);
        writer.WriteUtcDateTime("a"u8, delivery.ProducedAt.ToUnixTimeMilliseconds());
        writer.WriteInt32("p"u8, delivery.Priority);
        writer.WriteInt64("k"u8, delivery.LeaseToken);
        writer.WriteBinary("v"u8, payload);
        if (!headers.IsEmpty) writer.WriteBinary("h"u8, headers);
        frame.End();
    }

    /// <summary>Parses a body; its payload is a slice of <paramref name="body"/>.</summary>
    /// <exception cref="ProtocolException">A required field is missing.</exception>
    public static DeliveryPush Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Delivery);
        int? subscription = null;
        long? id = null, token = null;
        int tries = 1, priority = 0;
        long producedAt = 0;
        ReadOnlySpan<byte> payload = default;
        ReadOnlySpan<byte> headers = default;
        var hasPayload = false;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: false))
        {
            switch (field)
            {
                case (byte)'s': subscription = reader.ReadInt32(); break;
                case (byte)'i': id = reader.ReadInt64(); break;
                case (byte)'t': tries = reader.ReadInt32(); break;
                case (byte)'a': producedAt = reader.ReadUtcDateTime(); break;
                case (byte)'p': priority = reader.ReadInt32(); break;
                case (byte)'k': token = reader.ReadInt64(); break;
                case (byte)'v': payload = Wire.ReadPayload(ref reader); hasPayload = true; break;
                case (byte)'h': headers = Wire.ReadPayload(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        if (!hasPayload) throw Wire.Missing(MessageType.Delivery, "v");
        return new DeliveryPush
        {
            Subscription = subscription ?? throw Wire.Missing(MessageType.Delivery, "s"),
            MessageId = id ?? throw Wire.Missing(MessageType.Delivery, "i"),
            Tries = tries,
            ProducedAt = DateTimeOffset.FromUnixTimeMilliseconds(producedAt),
            Priority = priority,
            LeaseToken = token ?? throw Wire.Missing(MessageType.Delivery, "k"),
            Payload = payload,
            Headers = headers,
        };
    }
}

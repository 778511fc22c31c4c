using Broker.Bson;
using Broker.Management;

namespace Broker.Protocol.Messages;

/// <summary>
/// Peeked (184): <c>{d: [{i: id, s: state (0 ready, 1 delayed, 2 in flight), t: deliveries so far, a: produced at,
/// u?: due at, p: priority, v, h?: headers}], m: more}</c>, the answer to Peek (183). Like DeadLetters, a page stops early
/// with <c>m: true</c> when the next message would not fit in one frame; the client asks again after the last id.
/// </summary>
public static class PeekedReply
{
    /// <summary>Bytes of a message besides its payload and headers, generously (field names, numbers, dates).</summary>
    public const int EntryOverhead = 128;

    /// <summary>Payload and header bytes a reply of <paramref name="maxFrameBytes"/> can carry at most: what to copy from the broker.</summary>
    public static long PayloadBudget(int maxFrameBytes) => (long)maxFrameBytes - FrameHeader.Length - 64 - EntryOverhead;

    /// <summary>What a message costs of a reply's budget.</summary>
    public static long Cost(PeekedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return EntryOverhead + message.Payload.Length + message.Headers.Length;
    }

    /// <summary>
    /// Writes as many messages as fit in <paramref name="maxFrameBytes"/> (always at least one), with <c>m: true</c> when
    /// some were left out or <paramref name="more"/> says the page itself stopped early.
    /// </summary>
    /// <returns>How many were written.</returns>
    public static int Write(FrameBuffer buffer, uint id, IReadOnlyList<PeekedMessage> messages, int maxFrameBytes, bool more = false)
    {
        var budget = (long)maxFrameBytes - FrameHeader.Length - 64;
        var count = 0;
        for (; count < messages.Count; count++)
        {
            var cost = Cost(messages[count]);
            if (count > 0 && cost > budget) break;
            budget -= cost;
        }

        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Peeked);
        ref var writer = ref frame.Writer;
        var array = writer.WriteStartArray("d"u8);
        for (var i = 0; i < count; i++)
        {
            var message = messages[i];
            var item = writer.WriteStartDocument(i);
            writer.WriteInt64("i"u8, message.Id);
            writer.WriteInt32("s"u8, (int)message.State);
            writer.WriteInt32("t"u8, message.DeliveryCount);
            writer.WriteUtcDateTime("a"u8, message.ProducedAt.ToUnixTimeMilliseconds());
            if (message.DueAt is { } due) writer.WriteUtcDateTime("u"u8, due.ToUnixTimeMilliseconds());
            writer.WriteInt32("p"u8, message.Priority);
            writer.WriteBinary("v"u8, message.Payload.Span);
            if (!message.Headers.IsEmpty) writer.WriteBinary("h"u8, message.Headers.Span);
            writer.WriteEndDocument(item);
        }
        writer.WriteEndArray(array);
        writer.WriteBoolean("m"u8, more || count < messages.Count);
        frame.End();
        return count;
    }

    /// <summary>Parses a body; the messages belong to <paramref name="channel"/>, which the body does not repeat.</summary>
    /// <param name="body">The frame's body.</param>
    /// <param name="channel">The channel that was peeked.</param>
    /// <param name="more">Whether more messages follow the last one read (ask again after its id).</param>
    /// <exception cref="ProtocolException">A message has a state this library does not know.</exception>
    public static List<PeekedMessage> Read(ReadOnlySpan<byte> body, string channel, out bool more)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Peeked);
        var messages = new List<PeekedMessage>();
        more = false;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'m': more = reader.ReadBoolean(); break;
                case (byte)'d':
                    var array = reader.ReadStartArray();
                    while (reader.ReadElement(out _))
                        messages.Add(ReadEntry(ref reader, channel));
                    reader.ReadEndArray(array);
                    break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        return messages;
    }

    private static PeekedMessage ReadEntry(ref BsonReader reader, string channel)
    {
        var scope = reader.ReadStartDocument();
        long id = 0, producedAt = 0;
        long? dueAt = null;
        int state = 0, deliveries = 0, priority = 0;
        byte[] payload = [];
        byte[] headers = [];
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'i': id = reader.ReadInt64(); break;
                case (byte)'s': state = reader.ReadInt32(); break;
                case (byte)'t': deliveries = reader.ReadInt32(); break;
                case (byte)'a': producedAt = reader.ReadUtcDateTime(); break;
                case (byte)'u': dueAt = reader.ReadUtcDateTime(); break;
                case (byte)'p': priority = reader.ReadInt32(); break;
                case (byte)'v': payload = Wire.ReadPayload(ref reader).ToArray(); break;
                case (byte)'h': headers = Wire.ReadPayload(ref reader).ToArray(); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        if (!Enum.IsDefined((PeekedState)state))
            throw new ProtocolException(ErrorCodes.Malformed, $"Peeked message {id} has state {state}; known states are 0 (ready), 1 (delayed) and 2 (in flight).");
        return new PeekedMessage(
            id, channel, (PeekedState)state, deliveries, DateTimeOffset.FromUnixTimeMilliseconds(producedAt),
            dueAt is { } due ? DateTimeOffset.FromUnixTimeMilliseconds(due) : null, priority, payload)
        {
            Headers = headers,
        };
    }
}

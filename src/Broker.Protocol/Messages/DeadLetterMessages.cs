using Broker.Bson;
using Broker.Transport;

namespace Broker.Protocol.Messages;

/// <summary>ListDeadLetters (173): <c>{c, a: after id, n: limit}</c>.</summary>
public readonly record struct ListDeadLettersRequest(string Channel, long AfterId, int Limit) : IRequestFrame
{
    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">A required field is missing or a value is invalid.</exception>
    public static ListDeadLettersRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.ListDeadLetters);
        string? channel = null;
        long afterId = 0;
        int? limit = null;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("c"u8)) channel = reader.ReadString();
            else if (field.SequenceEqual("a"u8)) afterId = reader.ReadInt64();
            else if (field.SequenceEqual("n"u8)) limit = reader.ReadInt32();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new ListDeadLettersRequest(
            channel ?? throw Wire.Missing(MessageType.ListDeadLetters, "c"),
            afterId,
            limit ?? throw Wire.Missing(MessageType.ListDeadLetters, "n"));
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.ListDeadLetters);
        ref var writer = ref frame.Writer;
        writer.WriteString("c"u8, Channel);
        writer.WriteInt64("a"u8, AfterId);
        writer.WriteInt32("n"u8, Limit);
        frame.End();
    }
}

/// <summary>
/// GetDeadLetter (175), RedriveDeadLetter (176), DeleteDeadLetter (177): <c>{c, i}</c>; and without <c>i</c>, Stats (178),
/// GetChannel (182) and Purge (185): <c>{c}</c>.
/// </summary>
/// <param name="Type">One of the message types above.</param>
/// <param name="Channel">The channel.</param>
/// <param name="MessageId">The dead letter's message id; unused (0) for the requests about a whole channel.</param>
public readonly record struct ChannelRequest(MessageType Type, string Channel, long MessageId) : IRequestFrame
{
    /// <summary>Parses the body of a frame of <paramref name="type"/>.</summary>
    /// <exception cref="ProtocolException">The channel, or the message id a dead-letter request needs, is missing.</exception>
    public static ChannelRequest Read(ReadOnlySpan<byte> body, MessageType type)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, type);
        string? channel = null;
        long? id = null;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("c"u8)) channel = reader.ReadString();
            else if (field.SequenceEqual("i"u8)) id = reader.ReadInt64();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        if (NamesMessage(type) && id is null) throw Wire.Missing(type, "i");
        return new ChannelRequest(type, channel ?? throw Wire.Missing(type, "c"), id ?? 0);
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, Type);
        ref var writer = ref frame.Writer;
        writer.WriteString("c"u8, Channel);
        if (NamesMessage(Type)) writer.WriteInt64("i"u8, MessageId);
        frame.End();
    }

    /// <summary>Whether a request of <paramref name="type"/> names a message (<c>i</c>), not just a channel.</summary>
    private static bool NamesMessage(MessageType type) => type is not (MessageType.Stats or MessageType.GetChannel or MessageType.Purge);
}

/// <summary>
/// DeadLetters (174): <c>{d: [{i, t: tries, e: error or null, a: produced at, x: dead-lettered at, p: priority, v, h?: headers}], m: more}</c>.
/// A page stops early, with <c>m: true</c>, when the next entry would not fit in a frame; the client asks again after the
/// last id.
/// </summary>
public static class DeadLettersReply
{
    /// <summary>Bytes of an entry besides its payload and error, generously (field names, numbers, dates, the channel).</summary>
    public const int EntryOverhead = 128;

    /// <summary>Payload bytes a reply of <paramref name="maxFrameBytes"/> can carry at most: what to ask the engine for.</summary>
    public static long PayloadBudget(int maxFrameBytes) => (long)maxFrameBytes - FrameHeader.Length - 64 - EntryOverhead;

    /// <summary>
    /// Writes as many entries as fit in <paramref name="maxFrameBytes"/> (always at least one), with <c>m: true</c> when
    /// some were left out or <paramref name="more"/> says the listing itself stopped early.
    /// </summary>
    /// <returns>How many were written.</returns>
    public static int Write(FrameBuffer buffer, uint id, IReadOnlyList<DeadLetterEntry> entries, int maxFrameBytes, bool more = false)
    {
        var budget = (long)maxFrameBytes - FrameHeader.Length - 64;
        var count = 0;
        for (; count < entries.Count; count++)
        {
            var cost = EntryOverhead + entries[count].Payload.Length + entries[count].Headers.Length + (entries[count].Error?.Length * 3 ?? 0);
            if (count > 0 && cost > budget) break;
            budget -= cost;
        }

        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.DeadLetters);
        ref var writer = ref frame.Writer;
        var array = writer.WriteStartArray("d"u8);
        for (var i = 0; i < count; i++)
        {
            var entry = entries[i];
            var item = writer.WriteStartDocument(i);
            writer.WriteInt64("i"u8, entry.Id);
            writer.WriteInt32("t"u8, entry.Tries);
            if (entry.Error is null) writer.WriteNull("e"u8);
            else writer.WriteString("e"u8, entry.Error);
            writer.WriteUtcDateTime("a"u8, entry.ProducedAt.ToUnixTimeMilliseconds());
            writer.WriteUtcDateTime("x"u8, entry.DeadLetteredAt.ToUnixTimeMilliseconds());
            writer.WriteInt32("p"u8, entry.Priority);
            writer.WriteBinary("v"u8, entry.Payload.Span);
            if (!entry.Headers.IsEmpty) writer.WriteBinary("h"u8, entry.Headers.Span);
            writer.WriteEndDocument(item);
        }
        writer.WriteEndArray(array);
        writer.WriteBoolean("m"u8, more || count < entries.Count);
        frame.End();
        return count;
    }

    /// <summary>Parses a body; the entries belong to <paramref name="channel"/>, which the body does not repeat.</summary>
    /// <param name="body">The frame's body.</param>
    /// <param name="channel">The channel that was listed.</param>
    /// <param name="more">Whether more entries follow the last one read (ask again after its id).</param>
    public static List<DeadLetterEntry> Read(ReadOnlySpan<byte> body, string channel, out bool more)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.DeadLetters);
        var entries = new List<DeadLetterEntry>();
        more = false;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("m"u8))
            {
                more = reader.ReadBoolean();
            }
            else if (field.SequenceEqual("d"u8))
            {
                var array = reader.ReadStartArray();
                while (reader.ReadElement(out _))
                    entries.Add(ReadEntry(ref reader, channel));
                reader.ReadEndArray(array);
            }
            else
            {
                reader.Skip();
            }
        }
        reader.ReadEndDocument(scope);
        return entries;
    }

    private static DeadLetterEntry ReadEntry(ref BsonReader reader, string channel)
    {
        var scope = reader.ReadStartDocument();
        long id = 0, producedAt = 0, deadLetteredAt = 0;
        int tries = 0, priority = 0;
        string? error = null;
        byte[] payload = [];
        byte[] headers = [];
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'i': id = reader.ReadInt64(); break;
                case (byte)'t': tries = reader.ReadInt32(); break;
                case (byte)'e': error = reader.ReadString(); break;
                case (byte)'a': producedAt = reader.ReadUtcDateTime(); break;
                case (byte)'x': deadLetteredAt = reader.ReadUtcDateTime(); break;
                case (byte)'p': priority = reader.ReadInt32(); break;
                case (byte)'v': payload = Wire.ReadPayload(ref reader).ToArray(); break;
                case (byte)'h': headers = Wire.ReadPayload(ref reader).ToArray(); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        return new DeadLetterEntry(id, channel, payload, tries, error, DateTimeOffset.FromUnixTimeMilliseconds(producedAt), DateTimeOffset.FromUnixTimeMilliseconds(deadLetteredAt), priority)
        {
            Headers = headers,
        };
    }
}

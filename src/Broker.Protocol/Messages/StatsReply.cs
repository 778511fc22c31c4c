using Broker.Bson;

namespace Broker.Protocol.Messages;

/// <summary>
/// StatsReply (179): a channel's counts, <c>{c, r: ready, d: delayed, l: leased, x: dead-lettered, k: dedup keys,
/// s: subscriptions, i: last id}</c>.
/// </summary>
public readonly record struct StatsReply(string Channel, int Ready, int Delayed, int Leased, int DeadLettered, int DedupKeys, int Subscriptions, long LastId)
{
    /// <summary>Messages not yet completed or dead-lettered.</summary>
    public int Unfinished => Ready + Delayed + Leased;

    /// <summary>Writes the reply to the Stats request <paramref name="id"/>.</summary>
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.StatsReply);
        ref var writer = ref frame.Writer;
        writer.WriteString("c"u8, Channel);
        writer.WriteInt32("r"u8, Ready);
        writer.WriteInt32("d"u8, Delayed);
        writer.WriteInt32("l"u8, Leased);
        writer.WriteInt32("x"u8, DeadLettered);
        writer.WriteInt32("k"u8, DedupKeys);
        writer.WriteInt32("s"u8, Subscriptions);
        writer.WriteInt64("i"u8, LastId);
        frame.End();
    }

    /// <summary>Parses a body; absent counts are 0.</summary>
    public static StatsReply Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.StatsReply);
        var channel = string.Empty;
        int ready = 0, delayed = 0, leased = 0, dead = 0, keys = 0, subscriptions = 0;
        long lastId = 0;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: false))
        {
            switch (field)
            {
                case (byte)'c': channel = reader.ReadString(); break;
                case (byte)'r': ready = reader.ReadInt32(); break;
                case (byte)'d': delayed = reader.ReadInt32(); break;
                case (byte)'l': leased = reader.ReadInt32(); break;
                case (byte)'x': dead = reader.ReadInt32(); break;
                case (byte)'k': keys = reader.ReadInt32(); break;
                case (byte)'s': subscriptions = reader.ReadInt32(); break;
                case (byte)'i': lastId = reader.ReadInt64(); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        return new StatsReply(channel, ready, delayed, leased, dead, keys, subscriptions, lastId);
    }
}

using System.Text;
using Broker.Bson;
using Broker.Management;

namespace Broker.Protocol.Messages;

/// <summary>
/// Channels (181): <c>{t: taken at, r: [{c, r: ready, d: delayed, l: in flight, x: dead letters, p: produced,
/// o: completed, a?: oldest produced at, s: subscriptions, i: last id}], m: more}</c>, the answer to ListChannels (180)
/// and GetChannel (182). A page stops early, with <c>m: true</c>, when the next row would not fit in a frame; the client
/// asks again after the last name.
/// </summary>
public static class ChannelsReply
{
    /// <summary>Bytes of a row besides its name, generously (field names, numbers, dates, the array index).</summary>
    public const int RowOverhead = 128;

    /// <summary>Bytes the rows of a reply of <paramref name="maxFrameBytes"/> may take.</summary>
    public static long RowBudget(int maxFrameBytes) => (long)maxFrameBytes - FrameHeader.Length - 64;

    /// <summary>What a row for channel <paramref name="name"/> costs of <see cref="RowBudget"/>.</summary>
    public static int RowCost(string name) => RowOverhead + Encoding.UTF8.GetByteCount(name);

    /// <summary>
    /// Writes as many rows as fit in <paramref name="maxFrameBytes"/> (always at least one), with <c>m: true</c> when
    /// some were left out or <paramref name="more"/> says more channels follow.
    /// </summary>
    /// <returns>How many rows were written.</returns>
    public static int Write(FrameBuffer buffer, uint id, DateTimeOffset takenAt, IReadOnlyList<ChannelSummary> rows, int maxFrameBytes, bool more = false)
    {
        var budget = RowBudget(maxFrameBytes);
        var count = 0;
        for (; count < rows.Count; count++)
        {
            var cost = RowCost(rows[count].Name);
            if (count > 0 && cost > budget) break;
            budget -= cost;
        }

        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Channels);
        ref var writer = ref frame.Writer;
        writer.WriteUtcDateTime("t"u8, takenAt.ToUnixTimeMilliseconds());
        var array = writer.WriteStartArray("r"u8);
        for (var i = 0; i < count; i++)
        {
            var row = rows[i];
            var item = writer.WriteStartDocument(i);
            writer.WriteString("c"u8, row.Name);
            writer.WriteInt64("r"u8, row.Ready);
            writer.WriteInt64("d"u8, row.Delayed);
            writer.WriteInt64("l"u8, row.InFlight);
            writer.WriteInt64("x"u8, row.DeadLetters);
            writer.WriteInt64("p"u8, row.Produced);
            writer.WriteInt64("o"u8, row.Completed);
            if (row.OldestProducedAt is { } oldest) writer.WriteUtcDateTime("a"u8, oldest.ToUnixTimeMilliseconds());
            writer.WriteInt32("s"u8, row.Subscriptions);
            writer.WriteInt64("i"u8, row.LastId);
            writer.WriteEndDocument(item);
        }
        writer.WriteEndArray(array);
        writer.WriteBoolean("m"u8, more || count < rows.Count);
        frame.End();
        return count;
    }

    /// <summary>Parses a body.</summary>
    /// <param name="body">The frame's body.</param>
    /// <param name="more">Whether more channels follow the last row read (ask again after its name).</param>
    /// <returns>When the counts were taken, and the rows in name order.</returns>
    /// <exception cref="ProtocolException">A row has no name.</exception>
    public static (DateTimeOffset TakenAt, List<ChannelSummary> Rows) Read(ReadOnlySpan<byte> body, out bool more)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Channels);
        var rows = new List<ChannelSummary>();
        long takenAt = 0;
        more = false;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'t': takenAt = reader.ReadUtcDateTime(); break;
                case (byte)'m': more = reader.ReadBoolean(); break;
                case (byte)'r':
                    var array = reader.ReadStartArray();
                    while (reader.ReadElement(out _))
                        rows.Add(ReadRow(ref reader));
                    reader.ReadEndArray(array);
                    break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        return (DateTimeOffset.FromUnixTimeMilliseconds(takenAt), rows);
    }

    private static ChannelSummary ReadRow(ref BsonReader reader)
    {
        var scope = reader.ReadStartDocument();
        string? name = null;
        long ready = 0, delayed = 0, inFlight = 0, dead = 0, produced = 0, completed = 0, lastId = 0;
        long? oldest = null;
        var subscriptions = 0;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'c': name = reader.ReadString(); break;
                case (byte)'r': ready = reader.ReadInt64(); break;
                case (byte)'d': delayed = reader.ReadInt64(); break;
                case (byte)'l': inFlight = reader.ReadInt64(); break;
                case (byte)'x': dead = reader.ReadInt64(); break;
                case (byte)'p': produced = reader.ReadInt64(); break;
                case (byte)'o': completed = reader.ReadInt64(); break;
                case (byte)'a': oldest = reader.ReadUtcDateTime(); break;
                case (byte)'s': subscriptions = reader.ReadInt32(); break;
                case (byte)'i': lastId = reader.ReadInt64(); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        return new ChannelSummary(
            name ?? throw Wire.Missing(MessageType.Channels, "r[].c"),
            ready, delayed, inFlight, dead, produced, completed,
            oldest is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
            subscriptions, lastId);
    }
}

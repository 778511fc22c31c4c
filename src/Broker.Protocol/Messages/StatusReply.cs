using Broker.Bson;
using Broker.Management;

namespace Broker.Protocol.Messages;

/// <summary>
/// Status (188): the answer to ServerStatus (187), <c>{k: kind (0 in-memory, 1 embedded, 2 server), d: description,
/// r: read-only, y?: why read-only, t: taken at, s: started at, c: channels, p: produced, x: completed, v?: version,
/// o?: connections, l?: {b: log bytes, g: segments, f: fsyncs, m: mean fsync ms, M: max fsync ms}}</c>.
/// </summary>
public static class StatusReply
{
    /// <summary>Writes the reply to the ServerStatus request <paramref name="id"/>.</summary>
    public static void Write(FrameBuffer buffer, uint id, BrokerStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Status);
        ref var writer = ref frame.Writer;
        writer.WriteInt32("k"u8, (int)status.Kind);
        writer.WriteString("d"u8, status.Description);
        writer.WriteBoolean("r"u8, status.ReadOnly);
        if (status.ReadOnlyReason is not null) writer.WriteString("y"u8, status.ReadOnlyReason);
        writer.WriteUtcDateTime("t"u8, status.TakenAt.ToUnixTimeMilliseconds());
        writer.WriteUtcDateTime("s"u8, status.StartedAt.ToUnixTimeMilliseconds());
        writer.WriteInt32("c"u8, status.Channels);
        writer.WriteInt64("p"u8, status.Produced);
        writer.WriteInt64("x"u8, status.Completed);
        if (status.Version is not null) writer.WriteString("v"u8, status.Version);
        if (status.Connections is { } connections) writer.WriteInt32("o"u8, connections);
        if (status.Log is { } log)
        {
            var document = writer.WriteStartDocument("l"u8);
            writer.WriteInt64("b"u8, log.Bytes);
            writer.WriteInt32("g"u8, log.Segments);
            writer.WriteInt64("f"u8, log.Fsyncs);
            writer.WriteDouble("m"u8, log.FsyncMeanMilliseconds);
            writer.WriteDouble("M"u8, log.FsyncMaxMilliseconds);
            writer.WriteEndDocument(document);
        }
        frame.End();
    }

    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">The description is missing or the kind is unknown.</exception>
    public static BrokerStatus Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Status);
        int kind = 0, channels = 0;
        int? connections = null;
        string? description = null, reason = null, version = null;
        var readOnly = false;
        long takenAt = 0, startedAt = 0, produced = 0, completed = 0;
        LogStatus? log = null;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'k': kind = reader.ReadInt32(); break;
                case (byte)'d': description = reader.ReadString(); break;
                case (byte)'r': readOnly = reader.ReadBoolean(); break;
                case (byte)'y': reason = reader.ReadString(); break;
                case (byte)'t': takenAt = reader.ReadUtcDateTime(); break;
                case (byte)'s': startedAt = reader.ReadUtcDateTime(); break;
                case (byte)'c': channels = reader.ReadInt32(); break;
                case (byte)'p': produced = reader.ReadInt64(); break;
                case (byte)'x': completed = reader.ReadInt64(); break;
                case (byte)'v': version = reader.ReadString(); break;
                case (byte)'o': connections = reader.ReadInt32(); break;
                case (byte)'l': log = ReadLog(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        if (!Enum.IsDefined((BrokerKind)kind))
            throw new ProtocolException(ErrorCodes.Malformed, $"A Status body has broker kind {kind}; known kinds are 0 (in-memory), 1 (embedded) and 2 (server).");
        return new BrokerStatus(
            (BrokerKind)kind, description ?? throw Wire.Missing(MessageType.Status, "d"), readOnly,
            DateTimeOffset.FromUnixTimeMilliseconds(takenAt), DateTimeOffset.FromUnixTimeMilliseconds(startedAt), channels, produced, completed)
        {
            ReadOnlyReason = reason,
            Version = version,
            Connections = connections,
            Log = log,
        };
    }

    private static LogStatus ReadLog(ref BsonReader reader)
    {
        var scope = reader.ReadStartDocument();
        long bytes = 0, fsyncs = 0;
        var segments = 0;
        double mean = 0, max = 0;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'b': bytes = reader.ReadInt64(); break;
                case (byte)'g': segments = reader.ReadInt32(); break;
                case (byte)'f': fsyncs = reader.ReadInt64(); break;
                case (byte)'m': mean = reader.ReadDouble(); break;
                case (byte)'M': max = reader.ReadDouble(); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        return new LogStatus(bytes, segments, fsyncs, mean, max);
    }
}

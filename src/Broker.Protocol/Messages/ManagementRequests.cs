using Broker.Bson;

namespace Broker.Protocol.Messages;

/// <summary>ListChannels (180): <c>{a?: after name, n: limit}</c>, a page of channels in ordinal name order.</summary>
/// <param name="AfterName">Only names after this one (ordinal comparison); null for the first page.</param>
/// <param name="Limit">At most this many rows.</param>
public readonly record struct ListChannelsRequest(string? AfterName, int Limit) : IRequestFrame
{
    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">The limit is missing or a field has the wrong type.</exception>
    public static ListChannelsRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.ListChannels);
        string? afterName = null;
        int? limit = null;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'a': afterName = reader.ReadString(); break;
                case (byte)'n': limit = reader.ReadInt32(); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        return new ListChannelsRequest(afterName, limit ?? throw Wire.Missing(MessageType.ListChannels, "n"));
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.ListChannels);
        ref var writer = ref frame.Writer;
        if (AfterName is not null) writer.WriteString("a"u8, AfterName);
        writer.WriteInt32("n"u8, Limit);
        frame.End();
    }
}

/// <summary>Peek (183): <c>{c, a?: after id, n: limit}</c>, a page of a channel's unfinished messages, not consumed.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="AfterId">Only ids greater than this (0 for the first page).</param>
/// <param name="Limit">At most this many messages.</param>
public readonly record struct PeekRequest(string Channel, long AfterId, int Limit) : IRequestFrame
{
    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">The channel or the limit is missing, or a field has the wrong type.</exception>
    public static PeekRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Peek);
        string? channel = null;
        long afterId = 0;
        int? limit = null;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'c': channel = reader.ReadString(); break;
                case (byte)'a': afterId = Wire.ReadInteger(ref reader, "a"); break;
                case (byte)'n': limit = reader.ReadInt32(); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        return new PeekRequest(
            channel ?? throw Wire.Missing(MessageType.Peek, "c"),
            afterId,
            limit ?? throw Wire.Missing(MessageType.Peek, "n"));
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Peek);
        ref var writer = ref frame.Writer;
        writer.WriteString("c"u8, Channel);
        writer.WriteInt64("a"u8, AfterId);
        writer.WriteInt32("n"u8, Limit);
        frame.End();
    }
}

/// <summary>ServerStatus (187): <c>{}</c>, the server's own figures. The server ignores the body.</summary>
public readonly record struct ServerStatusRequest : IRequestFrame
{
    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.ServerStatus);
        frame.End();
    }
}

/// <summary>Purged (186): <c>{n: int64 messages removed}</c>, the answer to Purge (185).</summary>
public static class PurgedReply
{
    /// <summary>Writes the reply to the Purge request <paramref name="id"/>.</summary>
    public static void Write(FrameBuffer buffer, uint id, long removed)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Purged);
        frame.Writer.WriteInt64("n"u8, removed);
        frame.End();
    }

    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">The count is missing.</exception>
    public static long Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Purged);
        long? removed = null;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            if (field == (byte)'n') removed = reader.ReadInt64();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return removed ?? throw Wire.Missing(MessageType.Purged, "n");
    }
}

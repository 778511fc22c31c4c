using Broker.Bson;

namespace Broker.Client.Protocol;

/// <summary>Encodes frames into a <see cref="FrameBuffer"/>: a header, then a BSON body whose length fixes the header's size.</summary>
internal static class FrameWriter
{
    /// <summary>Starts a frame: reserves its header. Write the body with a <see cref="BsonWriter"/> over the buffer, then call <see cref="End"/>.</summary>
    /// <returns>The frame's offset, for <see cref="End"/>.</returns>
    public static int Begin(FrameBuffer buffer, uint id, RouteType route, MessageType type)
    {
        var start = buffer.WrittenCount;
        FrameHeader.Write(buffer.GetSpan(FrameHeader.Length), 0, id, route, type);
        buffer.Advance(FrameHeader.Length);
        return start;
    }

    /// <summary>Finishes the frame started at <paramref name="start"/> by writing its size.</summary>
    public static void End(FrameBuffer buffer, int start) => buffer.PatchUInt32(start, (uint)(buffer.WrittenCount - start));

    /// <summary>Writes a frame without a body (Ack, ChunkAck).</summary>
    public static void WriteEmpty(FrameBuffer buffer, uint id, MessageType type)
    {
        FrameHeader.Write(buffer.GetSpan(FrameHeader.Length), FrameHeader.Length, id, RouteType.Client, type);
        buffer.Advance(FrameHeader.Length);
    }

    /// <summary>
    /// Writes an Error reply in the shape Deepkit's client requires: <c>classType</c> empty (a non-empty one crashes
    /// it), <c>message</c> and <c>stack</c> strings, and Broker's <c>code</c> inside <c>properties</c>, which Deepkit
    /// ignores when <c>classType</c> is empty.
    /// </summary>
    public static void WriteError(FrameBuffer buffer, uint id, string code, string message)
    {
        var start = Begin(buffer, id, RouteType.Client, MessageType.Error);
        var writer = new BsonWriter(buffer);
        var document = writer.WriteStartDocument();
        writer.WriteString("classType"u8, string.Empty);
        writer.WriteString("message"u8, message);
        writer.WriteString("stack"u8, string.Empty);
        var properties = writer.WriteStartDocument("properties"u8);
        writer.WriteString("code"u8, code);
        writer.WriteEndDocument(properties);
        writer.WriteEndDocument(document);
        writer.Flush();
        End(buffer, start);
    }
}

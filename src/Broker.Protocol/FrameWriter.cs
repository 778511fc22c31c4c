using Broker.Bson;

namespace Broker.Protocol;

/// <summary>Encodes the frames that are not a plain <see cref="DocumentFrame"/>: bodiless ones, and Error replies.</summary>
public static class FrameWriter
{
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
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Error);
        ref var writer = ref frame.Writer;
        writer.WriteString("classType"u8, string.Empty);
        writer.WriteString("message"u8, message);
        writer.WriteString("stack"u8, string.Empty);
        var properties = writer.WriteStartDocument("properties"u8);
        writer.WriteString("code"u8, code);
        writer.WriteEndDocument(properties);
        frame.End();
    }
}

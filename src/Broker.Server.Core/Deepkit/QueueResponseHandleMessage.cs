using Broker.Protocol;

namespace Broker.Server.Deepkit;

/// <summary>QueueResponseHandleMessage (129), pushed with route type 1 and frame id 0: <c>{c, id, v}</c>.</summary>
internal static class QueueResponseHandleMessage
{
    /// <summary>The exact length of the frame <see cref="Write"/> writes, so room for it can be reserved before the payload is read.</summary>
    public static int FrameSize(string channel, long id, int payloadLength) =>
        // Header, document length and end; c (type, name, length, bytes, NUL); id (type, name, int32 or int64); v (type,
        // name, length, subtype).
        FrameHeader.Length + 4 + 1
        + 1 + 2 + 4 + System.Text.Encoding.UTF8.GetByteCount(channel) + 1
        + 1 + 3 + (id is >= int.MinValue and <= int.MaxValue ? 4 : 8)
        + 1 + 2 + 4 + 1 + payloadLength;

    public static void Write(FrameBuffer buffer, string channel, long id, ReadOnlySpan<byte> payload)
    {
        var frame = new DocumentFrame(buffer, 0, RouteType.Server, MessageType.QueueResponseHandleMessage);
        ref var writer = ref frame.Writer;
        writer.WriteString("c"u8, channel);
        // Deepkit writes ids as int32; its client also reads int64, which ids past 2^31 need.
        if (id is >= int.MinValue and <= int.MaxValue) writer.WriteInt32("id"u8, (int)id);
        else writer.WriteInt64("id"u8, id);
        writer.WriteBinary("v"u8, payload);
        frame.End();
    }
}

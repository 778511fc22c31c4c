using System.Buffers;
using System.Buffers.Binary;
using Broker.Bson;
using Broker.Protocol;

namespace Broker.Server.Tests.Infrastructure;

/// <summary>Writes a frame body with a <see cref="BsonWriter"/>.</summary>
public delegate void BodyWriter(ref BsonWriter writer);

/// <summary>Builds raw frames for protocol tests.</summary>
public static class FrameBuilder
{
    internal static byte[] Frame(uint id, MessageType type, BodyWriter? body = null, byte route = 0, byte version = FrameHeader.Version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(new byte[FrameHeader.Length]);
        if (body is not null)
        {
            var writer = new BsonWriter(buffer);
            var document = writer.WriteStartDocument();
            body(ref writer);
            writer.WriteEndDocument(document);
            writer.Flush();
        }
        var frame = buffer.WrittenSpan.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)frame.Length);
        frame[4] = version;
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(5), id);
        frame[9] = route;
        frame[10] = 0;
        frame[11] = (byte)type;
        return frame;
    }

    /// <summary>A Deepkit QueuePublish as its client writes one (atLeastOnce).</summary>
    public static byte[] DeepkitPublish(uint id, string channel, byte[] payload) =>
        Frame(id, MessageType.QueuePublish, (ref BsonWriter w) =>
        {
            w.WriteInt32("process"u8, 1);
            w.WriteInt32("deduplicationInterval"u8, 0);
            w.WriteNull("delay"u8);
            w.WriteNull("priority"u8);
            w.WriteString("c"u8, channel);
            w.WriteBinary("v"u8, payload);
        });

    /// <summary>A Deepkit QueuePublish with numbers as a JavaScript client may send them (doubles).</summary>
    public static byte[] DeepkitPublish(uint id, string channel, byte[] payload, double delayMs, double priority, double dedupIntervalMs = 0, int process = 1) =>
        Frame(id, MessageType.QueuePublish, (ref BsonWriter w) =>
        {
            w.WriteInt32("process"u8, process);
            w.WriteDouble("deduplicationInterval"u8, dedupIntervalMs);
            w.WriteDouble("delay"u8, delayMs);
            w.WriteDouble("priority"u8, priority);
            w.WriteString("c"u8, channel);
            w.WriteBinary("v"u8, payload);
        });

    /// <summary>Broker's Produce without a session.</summary>
    public static byte[] Produce(uint id, string channel, byte[] payload) =>
        Frame(id, MessageType.Produce, (ref BsonWriter w) =>
        {
            w.WriteString("c"u8, channel);
            w.WriteBinary("v"u8, payload);
        });

    /// <summary>Broker's Subscribe: credit <paramref name="maxParallel"/>, lease <paramref name="leaseMs"/>.</summary>
    public static byte[] Subscribe(uint id, string channel, int subscription, int maxParallel, long leaseMs = 600_000) =>
        Frame(id, MessageType.Subscribe, (ref BsonWriter w) =>
        {
            w.WriteString("c"u8, channel);
            w.WriteInt32("s"u8, subscription);
            w.WriteInt32("m"u8, maxParallel);
            w.WriteInt64("l"u8, leaseMs);
        });

    /// <summary>A Deepkit QueueSubscribe: <c>{c, maxParallel}</c>.</summary>
    public static byte[] DeepkitSubscribe(uint id, string channel, int maxParallel) =>
        Frame(id, MessageType.QueueSubscribe, (ref BsonWriter w) =>
        {
            w.WriteString("c"u8, channel);
            w.WriteInt32("maxParallel"u8, maxParallel);
        });

    /// <summary>Broker's ListDeadLetters: <c>{c, a: after id, n: limit}</c>.</summary>
    public static byte[] ListDeadLetters(uint id, string channel, long afterId, int limit) =>
        Frame(id, MessageType.ListDeadLetters, (ref BsonWriter w) =>
        {
            w.WriteString("c"u8, channel);
            w.WriteInt64("a"u8, afterId);
            w.WriteInt32("n"u8, limit);
        });

    /// <summary>Broker's Stats: <c>{c}</c>.</summary>
    public static byte[] Stats(uint id, string channel) =>
        Frame(id, MessageType.Stats, (ref BsonWriter w) => w.WriteString("c"u8, channel));
}

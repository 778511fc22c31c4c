using Broker.Bson;

namespace Broker.Protocol.Messages;

/// <summary>
/// Subscribe (165): <c>{c, s: subscription id chosen by the client, m: max parallel, l: lease ms}</c>. Answered by Ack;
/// deliveries follow as Delivery pushes carrying <c>s</c>.
/// </summary>
public readonly record struct SubscribeRequest(string Channel, int Subscription, int MaxParallel, long LeaseMs) : IRequestFrame
{
    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">A required field is missing or a value is invalid.</exception>
    public static SubscribeRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Subscribe);
        string? channel = null;
        int? subscription = null, maxParallel = null;
        long? lease = null;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("c"u8)) channel = reader.ReadString();
            else if (field.SequenceEqual("s"u8)) subscription = reader.ReadInt32();
            else if (field.SequenceEqual("m"u8)) maxParallel = reader.ReadInt32();
            else if (field.SequenceEqual("l"u8)) lease = reader.ReadInt64();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new SubscribeRequest(
            channel ?? throw Wire.Missing(MessageType.Subscribe, "c"),
            subscription ?? throw Wire.Missing(MessageType.Subscribe, "s"),
            maxParallel ?? throw Wire.Missing(MessageType.Subscribe, "m"),
            lease ?? throw Wire.Missing(MessageType.Subscribe, "l"));
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Subscribe);
        ref var writer = ref frame.Writer;
        writer.WriteString("c"u8, Channel);
        writer.WriteInt32("s"u8, Subscription);
        writer.WriteInt32("m"u8, MaxParallel);
        writer.WriteInt64("l"u8, LeaseMs);
        frame.End();
    }
}

/// <summary>StopDeliveries (171) and Unsubscribe (172): <c>{s}</c>.</summary>
/// <param name="Type"><see cref="MessageType.StopDeliveries"/> or <see cref="MessageType.Unsubscribe"/>.</param>
/// <param name="Subscription">The subscription id.</param>
public readonly record struct SubscriptionRequest(MessageType Type, int Subscription) : IRequestFrame
{
    /// <summary>Parses the body of a frame of <paramref name="type"/>.</summary>
    /// <exception cref="ProtocolException">The subscription id is missing.</exception>
    public static SubscriptionRequest Read(ReadOnlySpan<byte> body, MessageType type)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, type);
        int? subscription = null;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("s"u8)) subscription = reader.ReadInt32();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new SubscriptionRequest(type, subscription ?? throw Wire.Missing(type, "s"));
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, Type);
        ref var writer = ref frame.Writer;
        writer.WriteInt32("s"u8, Subscription);
        frame.End();
    }
}

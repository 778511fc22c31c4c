using Broker.Bson;

namespace Broker.Protocol.Messages;

/// <summary>
/// Declare (162): a channel's policy, <c>{c, p: process (0 exactlyOnce, 1 atLeastOnce), w: dedup window ms, a: max
/// attempts, r: first retry delay ms}</c>. The server keeps the last policy declared for each channel and applies it to
/// every produce and subscribe of that channel, Deepkit's included.
/// </summary>
public readonly record struct DeclareRequest(string Channel, int Process, long DedupWindowMs, int MaxAttempts, long RetryDelayMs) : IRequestFrame
{
    /// <summary>The request that declares <paramref name="channel"/>'s policy.</summary>
    public static DeclareRequest From(ChannelDefinition channel) => new(
        channel.Name,
        (int)channel.Process,
        Wire.ToMilliseconds(channel.DedupInterval),
        channel.MaxAttempts,
        Wire.ToMilliseconds(channel.RetryDelay));

    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">A required field is missing or a value is invalid.</exception>
    public static DeclareRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Declare);
        string? channel = null;
        int? process = null, maxAttempts = null;
        long window = 0;
        long? retryDelay = null;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("c"u8)) channel = reader.ReadString();
            else if (field.SequenceEqual("p"u8)) process = reader.ReadInt32();
            else if (field.SequenceEqual("w"u8)) window = reader.ReadInt64();
            else if (field.SequenceEqual("a"u8)) maxAttempts = reader.ReadInt32();
            else if (field.SequenceEqual("r"u8)) retryDelay = reader.ReadInt64();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new DeclareRequest(
            channel ?? throw Wire.Missing(MessageType.Declare, "c"),
            process ?? throw Wire.Missing(MessageType.Declare, "p"),
            window,
            maxAttempts ?? throw Wire.Missing(MessageType.Declare, "a"),
            retryDelay ?? throw Wire.Missing(MessageType.Declare, "r"));
    }

    /// <summary>The definition this declares.</summary>
    /// <exception cref="ProtocolException">A value is invalid; the message says which.</exception>
    public ChannelDefinition ToDefinition()
    {
        try
        {
            var process = (QueueMessageProcessing)Process;
            return new ChannelDefinition(
                Channel,
                process,
                process == QueueMessageProcessing.ExactlyOnce && DedupWindowMs > 0 ? Wire.FromMilliseconds(DedupWindowMs, "w") : null,
                MaxAttempts,
                Wire.FromMilliseconds(RetryDelayMs, "r"));
        }
        catch (ArgumentException ex)
        {
            throw new ProtocolException(ErrorCodes.InvalidRequest, ex.Message, ex);
        }
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Declare);
        ref var writer = ref frame.Writer;
        writer.WriteString("c"u8, Channel);
        writer.WriteInt32("p"u8, Process);
        writer.WriteInt64("w"u8, DedupWindowMs);
        writer.WriteInt32("a"u8, MaxAttempts);
        writer.WriteInt64("r"u8, RetryDelayMs);
        frame.End();
    }
}

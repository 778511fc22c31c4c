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
    /// <exception cref="ProtocolException">A negative dedup window.</exception>
    /// <exception cref="ArgumentException">A value the channel definition refuses; the message says which.</exception>
    public ChannelDefinition ToDefinition()
    {
        var process = (QueueMessageProcessing)Process;
        if (process == QueueMessageProcessing.ExactlyOnce && DedupWindowMs < 0)
            throw new ProtocolException(ErrorCodes.InvalidRequest, $"The dedup window 'w' of channel '{Channel}' is {DedupWindowMs} ms; it must be positive, or 0 for the default window.");
        // A value ChannelDefinition refuses throws its ArgumentException, which the server answers with InvalidRequest
        // and the exception's own sentence.
        return new ChannelDefinition(
            Channel,
            process,
            process == QueueMessageProcessing.ExactlyOnce && DedupWindowMs > 0 ? Wire.FromMilliseconds(DedupWindowMs, "w") : null,
            MaxAttempts,
            Wire.FromMilliseconds(RetryDelayMs, "r"));
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

namespace Broker;

/// <summary>Per-message settings for <see cref="IQueueChannel{T}.ProduceAsync"/>, overriding the channel's where they overlap.</summary>
public sealed record ProduceOptions
{
    /// <summary>
    /// The deduplication key of an ExactlyOnce message. When null, the key is the 128-bit xxHash3 of the message's BSON
    /// bytes, so equal messages are duplicates; set it to make equal payloads distinct or different payloads equal.
    /// Setting it on an AtLeastOnce produce is an error.
    /// </summary>
    public string? Hash { get; init; }

    /// <summary>How long the message stays invisible before it can be delivered. Null or zero: deliverable at once.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Among deliverable messages a higher priority goes first; equal priorities go in production order. Default 0.</summary>
    public int Priority { get; init; }

    /// <summary>
    /// Overrides the channel's deduplication mode for this message. ExactlyOnce without <see cref="Dedup"/> uses the
    /// channel's window when the channel is ExactlyOnce, otherwise five minutes (Deepkit's default).
    /// </summary>
    public QueueMessageProcessing? Process { get; init; }

    /// <summary>
    /// The deduplication window for this message (ExactlyOnce only). Use <see cref="Interval.Parse"/> to write it
    /// as Deepkit does: <c>Dedup = Interval.Parse("1s")</c>.
    /// </summary>
    public TimeSpan? Dedup { get; init; }

    /// <summary>
    /// The message's ordering key, on a channel declared <see cref="ChannelAttribute.Ordered"/> (or with
    /// <see cref="ChannelAttribute.OrderBy"/>, whose member value it overrides): messages with the same key are handled one
    /// at a time, in production order, across all workers; messages with different keys run in parallel. Null: the
    /// channel's <see cref="ChannelAttribute.OrderBy"/> member decides, or the message has no key and is unordered. At most
    /// <see cref="Transport.MessageLimits.MaxOrderingKeyBytes"/> bytes of UTF-8, not empty. See <c>docs/ordering.md</c>.
    /// </summary>
    public string? OrderingKey { get; init; }

    /// <summary>
    /// Headers that travel with the message (trace context, a correlation id, your own metadata): string keys, compared
    /// ordinally, and string values. They are stored with the message and kept through retries, delays, hand-backs and
    /// dead-letter re-drives; a handler reads them from <see cref="QueueMessage{T}.Headers"/>. At most
    /// <see cref="Transport.HeaderCodec.MaxBytes"/> bytes encoded (keys up to <see cref="Transport.HeaderCodec.MaxKeyLength"/>
    /// characters, no NUL characters); past that the produce fails naming the channel. They do not count towards
    /// the deduplication hash. Messages from Deepkit's client carry none, and messages delivered to it drop them.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}

namespace Broker.Transport;

/// <summary>A message on its way to the broker, already encoded; the channel handle it is produced through names its channel.</summary>
/// <param name="Payload">The BSON document. Valid only during the produce call.</param>
/// <param name="Dedup">The deduplication key and window of an ExactlyOnce message; null for AtLeastOnce.</param>
/// <param name="Delay">How long the message stays invisible; zero for none.</param>
/// <param name="Priority">Higher goes first among deliverable messages.</param>
public readonly record struct OutgoingMessage(
    ReadOnlyMemory<byte> Payload,
    Deduplication? Dedup,
    TimeSpan Delay,
    int Priority)
{
    /// <summary>
    /// The headers, encoded by <see cref="HeaderCodec.Encode"/>; empty for none. Valid only during the produce call.
    /// They travel and persist with the message, through retries, delays, hand-backs and dead-letter re-drives.
    /// </summary>
    public ReadOnlyMemory<byte> Headers { get; init; }

    /// <summary>
    /// The ordering key: messages of a channel with the same key are delivered in production order, at most one of them
    /// leased at any time; null for an unordered message. At most <see cref="MessageLimits.MaxOrderingKeyBytes"/> bytes
    /// of UTF-8, not empty (<see cref="MessageLimits.Validate"/>).
    /// </summary>
    public string? OrderingKey { get; init; }
}

/// <summary>The deduplication of an ExactlyOnce message.</summary>
/// <param name="Key">
/// A 128-bit key: xxHash3-128 of the BSON bytes, or of the producer's explicit hash. 128 bits keep accidental collisions
/// out of reach (Deepkit's 32-bit hash collides after tens of thousands of messages in one window).
/// </param>
/// <param name="Window">How long the key blocks equal messages, counted from the first accepted one.</param>
public readonly record struct Deduplication(UInt128 Key, TimeSpan Window);

/// <summary>Credit and lease of a subscription.</summary>
/// <param name="MaxParallel">Unsettled deliveries the subscription may hold, at least 1.</param>
/// <param name="LeaseDuration">How long a delivery stays leased without renewal.</param>
public readonly record struct SubscriptionSettings(int MaxParallel, TimeSpan LeaseDuration);

/// <summary>A dead letter as the transport returns it: the payload still encoded.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Channel">The channel name.</param>
/// <param name="Payload">The BSON document.</param>
/// <param name="Tries">Deliveries it had.</param>
/// <param name="Error">The last handler error, or why it was dead-lettered.</param>
/// <param name="ProducedAt">When it was stored.</param>
/// <param name="DeadLetteredAt">When it was dead-lettered.</param>
/// <param name="Priority">Its priority.</param>
public sealed record DeadLetterEntry(long Id, string Channel, ReadOnlyMemory<byte> Payload, int Tries, string? Error, DateTimeOffset ProducedAt, DateTimeOffset DeadLetteredAt, int Priority)
{
    /// <summary>Its headers, encoded by <see cref="HeaderCodec.Encode"/>; empty for none.</summary>
    public ReadOnlyMemory<byte> Headers { get; init; }
}

namespace Broker.Transport;

/// <summary>
/// What every adapter checks a message against before it stores it, in one place, so a message refused on one path is
/// refused on every other (Broker's producers, the server's native protocol, Deepkit's QueuePublish, NATS).
/// </summary>
public static class MessageLimits
{
    /// <summary><see cref="MaxDelay"/> in days.</summary>
    public const int MaxDelayDays = 3650;

    /// <summary>
    /// The longest a message may be delayed: ten years. A longer delay is a unit mistake (seconds taken for
    /// milliseconds), and a message delayed past it would wait for ever.
    /// </summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(MaxDelayDays);

    /// <summary>
    /// The longest ordering key, in UTF-8 bytes. Keys name an entity (a customer id, an order number); a longer one is a
    /// payload passed by mistake, and every waiting message of a key keeps its key in memory.
    /// </summary>
    public const int MaxOrderingKeyBytes = 256;

    /// <summary>Checks a message, naming its channel and what is wrong.</summary>
    /// <param name="channel">The channel name, for the message.</param>
    /// <param name="message">The message.</param>
    /// <param name="maxMessageBytes">The largest payload the adapter accepts.</param>
    /// <exception cref="ArgumentException">The payload is empty or too large, or the headers break <see cref="HeaderCodec"/>'s rules.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The delay or the deduplication window is out of range.</exception>
    public static void Validate(string channel, in OutgoingMessage message, int maxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(channel);
        CheckPayload(channel, message.Payload.Length, maxMessageBytes);
        if (message.Delay < TimeSpan.Zero || message.Delay > MaxDelay)
            throw new ArgumentOutOfRangeException(nameof(message), message.Delay, $"The delay of a message for channel '{channel}' is {Describe(message.Delay)}; it must be between 0 and {MaxDelayDays} days.");
        if (message.Dedup is { } dedup && (dedup.Window <= TimeSpan.Zero || dedup.Window > DedupWindow.Max))
            throw new ArgumentOutOfRangeException(nameof(message), dedup.Window, $"The deduplication window of a message for channel '{channel}' is {Describe(dedup.Window)}; it must be greater than zero and at most {DedupWindow.MaxDays} days.");
        HeaderCodec.Validate(message.Headers.Span, channel);
        if (message.OrderingKey is { } key)
            CheckOrderingKey(channel, key);
    }

    /// <summary>Checks an ordering key: not empty, at most <see cref="MaxOrderingKeyBytes"/> bytes of UTF-8.</summary>
    /// <param name="channel">The channel name, for the message.</param>
    /// <param name="key">The key.</param>
    /// <exception cref="ArgumentException">The key is empty or too long.</exception>
    public static void CheckOrderingKey(string channel, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
            throw new ArgumentException($"The ordering key of a message for channel '{channel}' is empty; use null for an unordered message.", nameof(key));
        // Cheap bound first: a string of at most 85 chars cannot exceed 256 UTF-8 bytes.
        if (key.Length > MaxOrderingKeyBytes / 3 && System.Text.Encoding.UTF8.GetByteCount(key) is var bytes && bytes > MaxOrderingKeyBytes)
            throw new ArgumentException($"The ordering key of a message for channel '{channel}' is {bytes} bytes of UTF-8; the limit is {MaxOrderingKeyBytes}.", nameof(key));
    }

    /// <summary>Checks a payload's size alone (a server checks it before it copies the payload out of its frame).</summary>
    /// <param name="channel">The channel name, for the message.</param>
    /// <param name="payloadBytes">The payload's length.</param>
    /// <param name="maxMessageBytes">The largest payload accepted.</param>
    /// <exception cref="ArgumentException">The payload is empty or over <paramref name="maxMessageBytes"/>.</exception>
    public static void CheckPayload(string channel, int payloadBytes, int maxMessageBytes) =>
        // Named after the message, as the exception has always been: the payload is part of the caller's message argument.
        CheckPayload(channel, payloadBytes, maxMessageBytes, "message");

    private static void CheckPayload(string channel, int payloadBytes, int maxMessageBytes, string paramName)
    {
        if (payloadBytes == 0)
            throw new ArgumentException($"The message for channel '{channel}' is empty; a message is a BSON document of at least 5 bytes.", paramName);
        if (payloadBytes > maxMessageBytes)
            throw new ArgumentException(TooLarge(channel, payloadBytes, maxMessageBytes), paramName);
    }

    /// <summary>The sentence for a payload over the limit, for a caller that reports it with its own error code.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="payloadBytes">The payload's length.</param>
    /// <param name="maxMessageBytes">The limit.</param>
    /// <returns>The sentence, naming the channel and both sizes.</returns>
    public static string TooLarge(string channel, int payloadBytes, int maxMessageBytes) =>
        $"The message for channel '{channel}' is {payloadBytes} bytes; the limit is {maxMessageBytes} bytes.";

    // Whole days as days; anything else in milliseconds, so ten years and 1 ms never reads as "3650 days".
    private static string Describe(TimeSpan value) =>
        value >= TimeSpan.FromDays(1) && value.Ticks % TimeSpan.TicksPerDay == 0 ? $"{value.TotalDays:0} days" : $"{value.TotalMilliseconds:0.###} ms";
}

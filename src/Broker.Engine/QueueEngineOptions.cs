namespace Broker.Engine;

/// <summary>Limits of a <see cref="QueueEngine"/>.</summary>
public sealed class QueueEngineOptions
{
    /// <summary>The default largest payload: 1 MiB, as NATS.</summary>
    public const int DefaultMaxMessageBytes = 1024 * 1024;

    /// <summary>The default channel limit: 100,000.</summary>
    public const int DefaultMaxChannels = 100_000;

    /// <summary>The largest payload the engine accepts, in bytes. Default 1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>
    /// The most channels the engine holds at once; producing to or subscribing to one more fails with a
    /// <see cref="ChannelLimitException"/>. A channel counts while it holds a message, a dead letter, an unexpired dedup
    /// key or a subscription; one that holds none of these is forgotten and costs nothing. Default 100,000.
    /// </summary>
    public int MaxChannels { get; set; } = DefaultMaxChannels;

    /// <summary>Checks the values, naming the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxMessageBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, "QueueEngineOptions.MaxMessageBytes must be at least 1.");
        if (MaxChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxChannels), MaxChannels, "QueueEngineOptions.MaxChannels must be at least 1.");
    }
}

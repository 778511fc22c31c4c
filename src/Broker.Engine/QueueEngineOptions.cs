namespace Broker.Engine;

/// <summary>Limits of a <see cref="QueueEngine"/>.</summary>
public sealed class QueueEngineOptions
{
    /// <summary>The default largest payload: 1 MiB, as NATS.</summary>
    public const int DefaultMaxMessageBytes = 1024 * 1024;

    /// <summary>The largest payload the engine accepts, in bytes. Default 1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>Checks the values, naming the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxMessageBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, "QueueEngineOptions.MaxMessageBytes must be at least 1.");
    }
}

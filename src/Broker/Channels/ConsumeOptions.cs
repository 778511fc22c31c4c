namespace Broker;

/// <summary>Settings for one subscription created by <see cref="IQueueChannel{T}.ConsumeAsync"/>.</summary>
public sealed class ConsumeOptions
{
    /// <summary>The lease of a delivery unless the subscription says otherwise.</summary>
    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(30);

    /// <summary>How many messages this subscription handles at once. Default 1 (Deepkit's default).</summary>
    public int MaxParallel { get; set; } = 1;

    /// <summary>
    /// How long the broker waits for a handler before it gives the message to another worker. The subscription renews
    /// the lease while the handler runs (every third of this time), so only a crashed or hung worker loses it.
    /// Default 30 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = DefaultLeaseDuration;

    /// <summary>Checks the values, naming the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxParallel < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxParallel), MaxParallel, "ConsumeOptions.MaxParallel must be at least 1.");
        if (LeaseDuration < TimeSpan.FromMilliseconds(100))
            throw new ArgumentOutOfRangeException(nameof(LeaseDuration), LeaseDuration, "ConsumeOptions.LeaseDuration must be at least 100 ms.");
    }
}

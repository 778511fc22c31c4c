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

    /// <summary>
    /// Checks the values against <see cref="Transport.SubscriptionLimits"/> (the limits every adapter applies), naming
    /// the channel and the first invalid one.
    /// </summary>
    /// <param name="channel">The channel the subscription is for, named in the message.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate(string channel) => Transport.SubscriptionLimits.Validate(channel, new Transport.SubscriptionSettings(MaxParallel, LeaseDuration));
}

namespace Broker.Transport;

/// <summary>
/// What every adapter checks a subscription's settings against, in one place, so settings refused on one path are
/// refused on every other (<see cref="ConsumeOptions"/>, the engine, the server's native protocol, NATS). The
/// conformance suite asserts these limits on every adapter.
/// </summary>
public static class SubscriptionLimits
{
    /// <summary>
    /// The shortest lease: 100 ms. A subscription renews a lease every third of it while its handler runs; below this
    /// a renewal's round trip (or one garbage collection) outlasts the lease and every message is redelivered.
    /// </summary>
    public static readonly TimeSpan MinLease = TimeSpan.FromMilliseconds(100);

    /// <summary><see cref="MaxLease"/> in hours.</summary>
    public const int MaxLeaseHours = 12;

    /// <summary>
    /// The longest lease: 12 hours (as Amazon SQS's visibility timeout). A lease is how long a crashed worker's
    /// messages stay stuck; a long handler keeps a short lease alive by renewing it, so a longer one is a unit mistake.
    /// </summary>
    public static readonly TimeSpan MaxLease = TimeSpan.FromHours(MaxLeaseHours);

    /// <summary>Checks a subscription's settings, naming its channel and what is wrong.</summary>
    /// <param name="channel">The channel name, for the message.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="maxParallel">The most unsettled deliveries the adapter grants one subscription.</param>
    /// <exception cref="ArgumentOutOfRangeException">MaxParallel or the lease is out of range.</exception>
    public static void Validate(string channel, in SubscriptionSettings settings, int maxParallel = int.MaxValue)
    {
        if (settings.MaxParallel < 1 || settings.MaxParallel > maxParallel)
        {
            var range = maxParallel == int.MaxValue ? "at least 1" : $"between 1 and {maxParallel}";
            throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxParallel, $"MaxParallel of a subscription to channel '{channel}' is {settings.MaxParallel}; it must be {range}.");
        }
        if (settings.LeaseDuration < MinLease || settings.LeaseDuration > MaxLease)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.LeaseDuration, $"The lease of a subscription to channel '{channel}' is {Describe(settings.LeaseDuration)}; it must be between {MinLease.TotalMilliseconds:0} ms and {MaxLeaseHours} hours.");
    }

    // Whole hours as hours; anything else in milliseconds, so 12 hours and 1 ms never reads as "12 hours".
    private static string Describe(TimeSpan value) =>
        value >= TimeSpan.FromHours(1) && value.Ticks % TimeSpan.TicksPerHour == 0 ? $"{value.TotalHours:0} hours" : $"{value.TotalMilliseconds:0.###} ms";
}

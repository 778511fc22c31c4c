namespace Broker.Management;

/// <summary>One channel's counts at one instant.</summary>
/// <param name="Name">The channel name.</param>
/// <param name="Ready">Messages waiting for a worker.</param>
/// <param name="Delayed">Messages not yet due (delayed when produced, or waiting for a retry).</param>
/// <param name="InFlight">Messages delivered to a worker and not yet settled.</param>
/// <param name="DeadLetters">Messages in the dead-letter queue.</param>
/// <param name="Produced">Messages accepted since the broker started (duplicates not counted); with a later snapshot, a rate.</param>
/// <param name="Completed">Messages completed by a worker since the broker started; with a later snapshot, a rate.</param>
/// <param name="OldestProducedAt">When the oldest unfinished message (ready, delayed or in flight) was produced; null when none is.</param>
/// <param name="Subscriptions">Workers' subscriptions open now.</param>
/// <param name="LastId">The highest message id handed out so far.</param>
public sealed record ChannelSummary(
    string Name,
    long Ready,
    long Delayed,
    long InFlight,
    long DeadLetters,
    long Produced,
    long Completed,
    DateTimeOffset? OldestProducedAt,
    int Subscriptions,
    long LastId)
{
    /// <summary>Messages not yet completed or dead-lettered: ready, delayed and in flight.</summary>
    public long Unfinished => Ready + Delayed + InFlight;
}

namespace Broker.Engine;

/// <summary>A snapshot of one channel's queue.</summary>
/// <param name="Channel">The channel name.</param>
/// <param name="Ready">Visible messages waiting for a subscription with credit.</param>
/// <param name="Delayed">Messages not yet due (delayed when produced, or waiting for a retry).</param>
/// <param name="Leased">Messages delivered and not yet settled.</param>
/// <param name="DeadLettered">Messages in the dead-letter queue.</param>
/// <param name="DedupKeys">Unexpired deduplication keys, including those of messages already consumed.</param>
/// <param name="Subscriptions">Open subscriptions (stopped ones included until disposed).</param>
/// <param name="LastId">The highest message id handed out so far.</param>
public sealed record ChannelStats(string Channel, int Ready, int Delayed, int Leased, int DeadLettered, int DedupKeys, int Subscriptions, long LastId)
{
    /// <summary>Messages accepted since the engine started (duplicates and messages replayed from the store not counted).</summary>
    public long Produced { get; init; }

    /// <summary>Messages completed by a worker since the engine started.</summary>
    public long Completed { get; init; }

    /// <summary>When the oldest unfinished message (ready, delayed or leased; not dead-lettered) was produced; null when none is.</summary>
    public DateTimeOffset? OldestProducedAt { get; init; }

    /// <summary>Messages not yet completed or dead-lettered: ready, delayed and leased.</summary>
    public int Unfinished => Ready + Delayed + Leased;
}

namespace Broker.Engine.Storage;

/// <summary>A message as it was accepted: everything about it except its payload and later state changes.</summary>
/// <param name="Channel">The channel name.</param>
/// <param name="Id">The message id, unique within the channel and never reused.</param>
/// <param name="Priority">Higher goes first among visible messages.</param>
/// <param name="ProducedAt">When the engine accepted it.</param>
/// <param name="DueAt">When it becomes visible (equal to <paramref name="ProducedAt"/> unless it was delayed).</param>
/// <param name="DedupKey">The deduplication key of an ExactlyOnce message; null for AtLeastOnce.</param>
/// <param name="DedupExpiresAt">When the key stops blocking equal messages; meaningless without a key.</param>
public readonly record struct EnqueuedRecord(
    string Channel,
    long Id,
    int Priority,
    DateTimeOffset ProducedAt,
    DateTimeOffset DueAt,
    UInt128? DedupKey,
    DateTimeOffset DedupExpiresAt)
{
    /// <summary>The message's ordering key (see <c>docs/ordering.md</c>); null for an unordered message.</summary>
    public string? OrderingKey { get; init; }
}

/// <summary>What changed about a stored message.</summary>
public enum StoreRecordKind : byte
{
    /// <summary>A handler completed the message: it is gone (its dedup key lives on until it expires).</summary>
    Completed = 1,

    /// <summary>The message waits for another delivery: <see cref="StoreRecord.Tries"/> and due time <see cref="StoreRecord.At"/>.</summary>
    RetryScheduled = 2,

    /// <summary>The message moved to the dead-letter queue after <see cref="StoreRecord.Tries"/> deliveries, at <see cref="StoreRecord.At"/>, for <see cref="StoreRecord.Error"/>.</summary>
    DeadLettered = 3,

    /// <summary>A dead letter went back onto its channel with no tries, visible from <see cref="StoreRecord.At"/>.</summary>
    Redriven = 4,

    /// <summary>A dead letter was deleted.</summary>
    Deleted = 5,

    /// <summary>The dedup key <see cref="StoreRecord.DedupKey"/> of message <see cref="StoreRecord.Id"/> expired.</summary>
    DedupExpired = 6,
}

/// <summary>
/// A change to a stored message. Records about one message reach the store in the order the engine decided them; the
/// store needs only to keep that order to be replayed correctly.
/// </summary>
/// <param name="Kind">What changed.</param>
/// <param name="Channel">The channel name.</param>
/// <param name="Id">The message id.</param>
/// <param name="Tries">Deliveries counted so far (retry scheduled, dead-lettered).</param>
/// <param name="At">The due time (retry scheduled, re-driven) or the time of dead-lettering.</param>
/// <param name="Error">Why the message was dead-lettered.</param>
/// <param name="DedupKey">The expired key (dedup expired).</param>
/// <param name="Payload">
/// Where the message's payload is (completed, deleted), so a log can tell which of its segments no longer holds a live
/// message; default when not known.
/// </param>
public readonly record struct StoreRecord(
    StoreRecordKind Kind,
    string Channel,
    long Id,
    int Tries = 0,
    DateTimeOffset At = default,
    string? Error = null,
    UInt128 DedupKey = default,
    PayloadRef Payload = default)
{
    /// <summary>A completed message.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="payload">Where its payload is.</param>
    /// <returns>The record.</returns>
    public static StoreRecord Completed(string channel, long id, PayloadRef payload = default) => new(StoreRecordKind.Completed, channel, id, Payload: payload);

    /// <summary>A message waiting for another delivery.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="tries">Deliveries counted so far.</param>
    /// <param name="dueAt">When it becomes visible again.</param>
    /// <returns>The record.</returns>
    public static StoreRecord RetryScheduled(string channel, long id, int tries, DateTimeOffset dueAt) =>
        new(StoreRecordKind.RetryScheduled, channel, id, tries, dueAt);

    /// <summary>A dead-lettered message.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="tries">Deliveries it had.</param>
    /// <param name="error">Why.</param>
    /// <param name="at">When.</param>
    /// <returns>The record.</returns>
    public static StoreRecord DeadLettered(string channel, long id, int tries, string? error, DateTimeOffset at) =>
        new(StoreRecordKind.DeadLettered, channel, id, tries, at, error);

    /// <summary>A re-driven dead letter.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="at">When it becomes visible.</param>
    /// <returns>The record.</returns>
    public static StoreRecord Redriven(string channel, long id, DateTimeOffset at) => new(StoreRecordKind.Redriven, channel, id, 0, at);

    /// <summary>A deleted dead letter.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="payload">Where its payload is.</param>
    /// <returns>The record.</returns>
    public static StoreRecord Deleted(string channel, long id, PayloadRef payload = default) => new(StoreRecordKind.Deleted, channel, id, Payload: payload);

    /// <summary>An expired dedup key.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message that set the key.</param>
    /// <param name="key">The key.</param>
    /// <returns>The record.</returns>
    public static StoreRecord DedupExpired(string channel, long id, UInt128 key) =>
        new(StoreRecordKind.DedupExpired, channel, id, DedupKey: key);
}

/// <summary>A message's current state, as the engine holds it, for a store that rewrites the message elsewhere.</summary>
/// <param name="Priority">Its priority.</param>
/// <param name="ProducedAt">When it was accepted.</param>
/// <param name="DueAt">When it is visible (for a message that is visible or leased now: no later than now).</param>
/// <param name="Tries">Deliveries counted so far (a delivery in progress is not counted: after a restart it never happened).</param>
/// <param name="DeadLettered">Whether it is in the dead-letter queue.</param>
/// <param name="Error">Why it was dead-lettered.</param>
/// <param name="DeadLetteredAt">When it was dead-lettered.</param>
public readonly record struct MessageState(
    int Priority,
    DateTimeOffset ProducedAt,
    DateTimeOffset DueAt,
    int Tries,
    bool DeadLettered,
    string? Error,
    DateTimeOffset DeadLetteredAt);

/// <summary>Receives a message's state from <see cref="IStoreReplayTarget.TryCarry"/>, under the engine's channel lock.</summary>
public interface ICarryWriter
{
    /// <summary>Writes the message again with <paramref name="state"/>. Must not block: queue the record.</summary>
    /// <param name="state">The message's current state.</param>
    void Carry(in MessageState state);
}

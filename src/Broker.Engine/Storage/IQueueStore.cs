using Broker.Transport;

namespace Broker.Engine.Storage;

/// <summary>
/// Where a <see cref="QueueEngine"/> keeps its messages: a memory store for tests and development, a durable log for
/// the embedded and server modes. The engine owns the queue rules; a store only records what the engine decided and
/// replays it at start. Leases are never stored: after recovery every unfinished message is deliverable.
/// </summary>
/// <remarks>
/// The engine calls <see cref="AppendAsync"/> and <see cref="ReadPayload"/> while it holds a channel's lock, so both
/// must return without waiting on anything but memory (or a local read of a payload); a durable store queues the record
/// for its next group commit and completes the returned task when the record is on disk. For the same reason
/// <see cref="RecoverAsync"/> must not hold a lock that those calls take while it feeds the replay target. A store that
/// compacts (the log) keeps the replay target after recovery and calls back into the engine through it
/// (<see cref="IStoreReplayTarget.TryCarry"/>, <see cref="IStoreReplayTarget.Relocate"/>): never while holding its own lock,
/// so the engine's channel lock always comes before the store's.
/// </remarks>
public interface IQueueStore : IAsyncDisposable
{
    /// <summary>Replays everything the store holds into <paramref name="target"/>, in the order it was recorded.</summary>
    /// <param name="target">Receives the records.</param>
    /// <param name="cancellationToken">Cancels recovery.</param>
    /// <returns>Completes when every record was replayed.</returns>
    ValueTask RecoverAsync(IStoreReplayTarget target, CancellationToken cancellationToken);

    /// <summary>Stores a new message. The engine makes the message visible, and answers its producer, only after this completes.</summary>
    /// <param name="record">The message.</param>
    /// <param name="headers">Its headers' BSON document, or empty; valid only until the returned task completes.</param>
    /// <param name="payload">Its BSON bytes, valid only until the returned task completes: copy them.</param>
    /// <returns>
    /// Where the message's bytes are (the headers, then the payload, as <see cref="ReadPayload"/> will return them), once
    /// the message is as durable as the store promises.
    /// </returns>
    ValueTask<PayloadRef> EnqueueAsync(EnqueuedRecord record, ReadOnlyMemory<byte> headers, ReadOnlyMemory<byte> payload);

    /// <summary>Records a change to a stored message. Called under the engine's channel lock: must not block.</summary>
    /// <param name="record">The change.</param>
    /// <returns>Completes when the record is as durable as the store promises.</returns>
    ValueTask AppendAsync(StoreRecord record);

    /// <summary>Reads a message's bytes the store returned from <see cref="EnqueueAsync"/> or replayed in <see cref="RecoverAsync"/>.</summary>
    /// <param name="payload">The reference.</param>
    /// <returns>The headers (<see cref="PayloadRef.HeadersLength"/> bytes) then the payload; the caller does not modify them.</returns>
    ReadOnlyMemory<byte> ReadPayload(in PayloadRef payload);

    /// <summary>
    /// The engine dropped a channel that holds nothing (no unfinished message, no dead letter, no unexpired dedup key).
    /// The store may forget it too, as long as every later recovery replays an <see cref="IStoreReplayTarget.IdFloor"/>
    /// of at least <paramref name="lastId"/>, so ids are never handed out twice. Called under the engine's channel lock:
    /// must not block. The default keeps the channel, which is always safe.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="lastId">The highest id the channel handed out.</param>
    void ForgetChannel(string channel, long lastId)
    {
    }

    /// <summary>
    /// Records a channel's declared policy, so it applies after a restart before anyone declares it again; replayed
    /// through <see cref="IStoreReplayTarget.Declared"/>. The last one recorded for a name wins. The default keeps
    /// nothing (a store that does not outlive its process).
    /// </summary>
    /// <param name="policy">The channel's name and policy.</param>
    /// <returns>Completes when the record is as durable as the store promises.</returns>
    ValueTask DeclareAsync(ChannelDefinition policy) => ValueTask.CompletedTask;

    /// <summary>
    /// The engine no longer keeps the policy of <paramref name="channel"/> (it holds nothing, and its table of
    /// policies was full): a store that repeats policies (a log, at each segment start) may stop repeating it. Called
    /// under the engine's lock: must not block. The default does nothing.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    void ForgetPolicy(string channel)
    {
    }

    /// <summary>
    /// Checks whether the store can take writes now, for <see cref="EngineTransport.CheckHealthAsync"/>: a durable store
    /// reports a stopped log, a data directory that is gone or read-only, a full or nearly full disk. It must be quick,
    /// must not take the engine's locks, and must change nothing it stores. The default reports healthy (a store that
    /// cannot fail).
    /// </summary>
    /// <param name="cancellationToken">Bounds the check; when it fires the store reports what it knows.</param>
    /// <returns>The store's health.</returns>
    ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(TransportHealth.Healthy("The store reports no health of its own."));
}

/// <summary>Receives a store's records during <see cref="IQueueStore.RecoverAsync"/>.</summary>
public interface IStoreReplayTarget
{
    /// <summary>The highest message id the channel ever handed out, even if that message is long gone.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="lastId">The id.</param>
    void LastId(string channel, long lastId);

    /// <summary>
    /// Every id that channels the store forgot handed out is at most <paramref name="floor"/>: a channel the target does
    /// not know starts its ids above it.
    /// </summary>
    /// <param name="floor">The highest id of a forgotten channel.</param>
    void IdFloor(long floor);

    /// <summary>A channel's declared policy; a later one for the same name replaces it.</summary>
    /// <param name="policy">The channel's name and policy.</param>
    void Declared(ChannelDefinition policy);

    /// <summary>A message that was stored.</summary>
    /// <param name="record">The message.</param>
    /// <param name="payload">Where its payload is.</param>
    void Enqueued(in EnqueuedRecord record, PayloadRef payload);

    /// <summary>A change to a stored message. Changes to messages the target does not know are ignored.</summary>
    /// <param name="record">The change.</param>
    void Changed(in StoreRecord record);

    /// <summary>
    /// A dedup key whose message may be gone (completed or deleted). A store that replays every
    /// <see cref="EnqueuedRecord"/> still within its window need not call this.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="key">The key.</param>
    /// <param name="messageId">The message that set it.</param>
    /// <param name="expiresAt">When it stops blocking equal messages.</param>
    void DedupKey(string channel, UInt128 key, long messageId, DateTimeOffset expiresAt);

    /// <summary>
    /// Calls <paramref name="visit"/> with the payload of every unfinished message (live or dead-lettered) the target
    /// holds. A store may call it once all records are replayed, to learn which of its payloads are still needed.
    /// </summary>
    /// <param name="visit">Receives each payload reference.</param>
    void VisitUnfinished(Action<PayloadRef> visit);

    /// <summary>
    /// For a store that compacts (and keeps the target after recovery): if message <paramref name="id"/> is unfinished
    /// and its payload is still at <paramref name="position"/>, hands its current state to <paramref name="writer"/>
    /// while the channel's lock is held, so the copy lands in the store before any later change to the message.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="position">Where the store believes the payload is.</param>
    /// <param name="writer">Writes the copy.</param>
    /// <returns>False when the message is finished or stored elsewhere: nothing was written.</returns>
    bool TryCarry(string channel, long id, long position, ICarryWriter writer);

    /// <summary>
    /// Points message <paramref name="id"/> at its copy <paramref name="copy"/> once the copy is stored, if it still
    /// points at <paramref name="original"/>.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="original">The old place.</param>
    /// <param name="copy">The copy.</param>
    /// <returns>False when the message finished meanwhile.</returns>
    bool Relocate(string channel, long id, PayloadRef original, PayloadRef copy);
}

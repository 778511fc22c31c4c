using System.Collections.Concurrent;
using System.Diagnostics;
using Broker.Engine.Diagnostics;
using Broker.Engine.Storage;
using Broker.Management;
using Broker.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Engine;

/// <summary>
/// The queue engine behind the in-memory, embedded and server modes: one instance serves many channels, each with its
/// own state created on first use. It implements the delivery contract (backlog, one subscription per message, credit,
/// priority then production order, delay, leases with fencing, retries with backoff, dead letters, deduplication) over
/// an <see cref="IQueueStore"/>, and recovers its state from that store before its first operation. Thread-safe.
/// </summary>
/// <remarks>
/// Dispatch happens synchronously inside the call that made it possible (produce, settle, subscribe, a timer), so once
/// such a call returns, whatever it made deliverable is already in a subscription's reader. Time comes only from the
/// <see cref="System.TimeProvider"/> given here. A channel's policy is declared (<see cref="DeclareAsync"/>), once per
/// channel handle, not passed with every call; the last declaration wins and is persisted through the store.
/// Each engine reports its channels' gauges (<c>broker.channel.ready</c>, <c>.delayed</c>, <c>.in_flight</c>,
/// <c>.dead_letters</c>) on a <c>Broker.Engine</c> meter of its own, read only when a listener collects them and
/// removed when the engine is disposed.
/// </remarks>
public sealed class QueueEngine : IAsyncDisposable, IDisposable, IChannelOwner
{
    private readonly ConcurrentDictionary<string, ChannelQueue> _channels = new(StringComparer.Ordinal);
    // Creating and forgetting channels is rare; one lock keeps the count exact against MaxChannels.
    private readonly Lock _channelsGate = new();
    private readonly IQueueStore _store;
    private readonly ChannelPolicyTable _policies;
    private readonly bool _ownsStore;
    private readonly ILogger _logger;
    private readonly ChannelGauges _gauges;
    private readonly Lock _recoveryGate = new();
    private Task? _recovery;
    // Cancelled by disposal: a recovery still replaying the store stops at the next segment.
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _recovered;
    private volatile bool _disposed;
    // Every id any forgotten channel handed out is at most this: a channel created later starts above it.
    private long _idFloor;
    // What forgotten channels counted, by name, so one that comes back counts on (at most MaxKeptCounters names; the
    // totals keep what the evicted ones counted); and what all of them counted, for the engine's totals. Under _channelsGate.
    private readonly Dictionary<string, ChannelCounters> _forgottenCounters = new(StringComparer.Ordinal);
    private ChannelCounters _forgottenTotals;

    /// <summary>Creates an engine over a store. It recovers the store's state on first use (or on <see cref="RecoverAsync"/>).</summary>
    /// <param name="store">Where messages are kept.</param>
    /// <param name="options">Limits; null for the defaults.</param>
    /// <param name="timeProvider">The clock for delays, leases, retries and dedup windows; null for the system clock.</param>
    /// <param name="logger">Where lost leases, dead letters and store failures are logged; null for none.</param>
    /// <param name="ownsStore">Whether disposing the engine disposes the store (after the engine stopped).</param>
    public QueueEngine(IQueueStore store, QueueEngineOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null, bool ownsStore = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new QueueEngineOptions();
        options.Validate();
        _store = store;
        _ownsStore = ownsStore;
        MaxMessageBytes = options.MaxMessageBytes;
        MaxChannels = options.MaxChannels;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _policies = new ChannelPolicyTable(MaxChannels, Holds, store, TimeProvider);
        _gauges = new ChannelGauges(_channels);
    }

    /// <summary>The engine's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The largest payload accepted, in bytes.</summary>
    public int MaxMessageBytes { get; }

    /// <summary>The most channels the engine holds at once; see <see cref="QueueEngineOptions.MaxChannels"/>.</summary>
    public int MaxChannels { get; }

    /// <summary>
    /// The channels the engine holds now: those with a message, a dead letter, an unexpired dedup key or a subscription.
    /// A channel that holds none of these is forgotten (it costs nothing) until it is used again.
    /// </summary>
    public IReadOnlyCollection<string> Channels => [.. _channels.Keys];

    /// <summary>The meter of this engine's per-channel gauges; disposed with the engine.</summary>
    internal System.Diagnostics.Metrics.Meter Meter => _gauges.Meter;

    /// <summary>How many channels the engine holds now (see <see cref="Channels"/>).</summary>
    public int ChannelCount => _channels.Count;

    /// <summary>Whether the engine holds <paramref name="channel"/> now (see <see cref="Channels"/>).</summary>
    /// <param name="channel">The channel name.</param>
    /// <returns>True while the channel holds a message, a dead letter, a dedup key or a subscription.</returns>
    public bool Holds(string channel) => _channels.ContainsKey(channel);

    // For EngineTransport.CheckHealthAsync: the store's own health, and whether the engine was disposed.
    internal IQueueStore Store => _store;

    internal bool IsDisposed => _disposed;

    /// <summary>
    /// Replays the store into the engine. Every other operation waits for it, starting it if needed, so calling it is
    /// only a way to recover eagerly (and to see a recovery failure early).
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting; recovery itself goes on.</param>
    /// <returns>Completes when the engine holds the store's state.</returns>
    public ValueTask RecoverAsync(CancellationToken cancellationToken = default) =>
        _recovered ? ValueTask.CompletedTask : new ValueTask(StartRecovery().WaitAsync(cancellationToken));

    /// <summary>
    /// Declares a channel's policy (deduplication, attempts, retry delay), as opening a channel handle does. The last
    /// declaration wins; one that changes a declared policy is logged as a warning, since two versions of an application
    /// may disagree. Completes once the store holds it, so it applies after a restart before anyone declares it again.
    /// </summary>
    /// <param name="channel">The channel's name and policy.</param>
    /// <param name="cancellationToken">Cancels waiting for recovery.</param>
    /// <returns>Completes when the declaration is as durable as the store promises.</returns>
    /// <exception cref="ChannelLimitException">The channel is new and the engine keeps <see cref="MaxChannels"/> policies of channels it holds.</exception>
    public async ValueTask DeclareAsync(ChannelDefinition channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_recovered)
            await StartRecovery().WaitAsync(cancellationToken).ConfigureAwait(false);
        var stored = _policies.Declare(channel, out var change);
        if (change is { } changed)
            EngineLog.PolicyChanged(_logger, channel.Name, changed.Previous.ToString(), channel.ToString(), changed.Unreported);
        await stored.ConfigureAwait(false);
    }

    /// <summary>Whether a policy was declared for the channel (and is still kept).</summary>
    /// <param name="channel">The channel name.</param>
    /// <returns>True when <see cref="PolicyOf"/> returns a declared policy, not the defaults.</returns>
    public bool IsDeclared(string channel) => _policies.Find(channel) is not null;

    /// <summary>The channel's declared policy, or the defaults when none was declared.</summary>
    /// <param name="channel">The channel name.</param>
    /// <returns>The policy retries, dead-lettering and (for producers that do not say) deduplication follow.</returns>
    public ChannelDefinition PolicyOf(string channel) => _policies.PolicyOf(channel);

    /// <summary>
    /// Stores a message and makes it deliverable (at once, or when its delay has passed), or reports it as a duplicate of
    /// an ExactlyOnce message accepted within its window. Completes after the store acknowledged the message.
    /// </summary>
    /// <param name="channel">The channel name; the message follows its declared policy (see <see cref="DeclareAsync"/>).</param>
    /// <param name="message">The message. Its payload and headers are copied by the store before this completes.</param>
    /// <param name="cancellationToken">Cancels waiting for recovery or for a concurrent duplicate's original.</param>
    /// <returns>Enqueued with the new id, or Duplicate with the original's id.</returns>
    /// <exception cref="ArgumentException">The message breaks <see cref="MessageLimits"/> (its payload larger than <see cref="MaxMessageBytes"/>, say).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The delay or the dedup window is out of range.</exception>
    /// <exception cref="ChannelLimitException">The channel is new and the engine holds <see cref="MaxChannels"/> channels.</exception>
    public async ValueTask<ProduceResult> ProduceAsync(string channel, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ObjectDisposedException.ThrowIf(_disposed, this);
        MessageLimits.Validate(channel, message, MaxMessageBytes);
        if (!_recovered)
            await StartRecovery().WaitAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            // Null when the channel was forgotten between the lookup and the produce: its successor takes the message.
            if (await GetOrCreate(channel).ProduceAsync(message, cancellationToken).ConfigureAwait(false) is { } result)
                return result;
        }
    }

    /// <summary>Opens a subscription; backlog is dispatched to it before this returns.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="settings">Credit and lease duration, within <see cref="SubscriptionLimits"/>.</param>
    /// <param name="cancellationToken">Cancels waiting for recovery.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ChannelLimitException">The channel is new and the engine holds <see cref="MaxChannels"/> channels.</exception>
    public ValueTask<EngineSubscription> SubscribeAsync(string channel, SubscriptionSettings settings, CancellationToken cancellationToken = default) =>
        SubscribeAsync(channel, settings, PayloadReading.Eager, cancellationToken);

    /// <summary>
    /// Opens a subscription whose deliveries get their payloads when granted (<see cref="PayloadReading.Eager"/>) or
    /// only when the consumer asks (<see cref="PayloadReading.Deferred"/>, for a server that would otherwise hold the
    /// payloads of a whole credit's worth of deliveries waiting for a socket); backlog is dispatched to it before this
    /// returns.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="settings">Credit and lease duration, within <see cref="SubscriptionLimits"/>.</param>
    /// <param name="reading">When deliveries get their payloads.</param>
    /// <param name="cancellationToken">Cancels waiting for recovery.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ChannelLimitException">The channel is new and the engine holds <see cref="MaxChannels"/> channels.</exception>
    public async ValueTask<EngineSubscription> SubscribeAsync(string channel, SubscriptionSettings settings, PayloadReading reading, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        SubscriptionLimits.Validate(channel, settings);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_recovered)
            await StartRecovery().WaitAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (GetOrCreate(channel).Subscribe(settings, reading) is { } subscription)
                return subscription;
        }
    }

    /// <summary>Lists a channel's dead letters in id order.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="afterId">Only ids greater than this.</param>
    /// <param name="limit">At most this many, at least 1.</param>
    /// <param name="cancellationToken">Cancels waiting for recovery.</param>
    /// <returns>The dead letters.</returns>
    public async ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var page = await ListDeadLettersAsync(channel, afterId, limit, long.MaxValue, cancellationToken).ConfigureAwait(false);
        return page.Entries;
    }

    /// <summary>
    /// Lists a channel's dead letters in id order, holding no more than <paramref name="maxPayloadBytes"/> of payloads
    /// (at least one entry): a server answering with one frame never copies more than that frame can carry.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="afterId">Only ids greater than this.</param>
    /// <param name="limit">At most this many, at least 1.</param>
    /// <param name="maxPayloadBytes">The payload bytes the page may hold; the first entry is included whatever its size.</param>
    /// <param name="cancellationToken">Cancels waiting for recovery.</param>
    /// <returns>The dead letters, and whether the page stopped at its byte budget before its count.</returns>
    public async ValueTask<DeadLetterPage> ListDeadLettersAsync(string channel, long afterId, int limit, long maxPayloadBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var queue = await FindAsync(channel, cancellationToken).ConfigureAwait(false);
        return queue is null ? new DeadLetterPage([], More: false) : queue.ListDeadLetters(afterId, limit, maxPayloadBytes);
    }

    /// <summary>
    /// Copies a channel's unfinished messages (ready, delayed and leased) in id order without consuming them: no lease
    /// is taken, no delivery counted, no due time or order changed, nothing done that was due (a delayed message whose
    /// time has come but that the channel's timer has not promoted yet is still delayed here).
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="afterId">Only ids greater than this (0 for the first page).</param>
    /// <param name="limit">At most this many, at least 1.</param>
    /// <param name="maxPayloadBytes">The stored bytes (headers and payloads) the page may hold; the first message is included whatever its size.</param>
    /// <param name="cancellationToken">Cancels waiting for recovery.</param>
    /// <returns>The messages, and whether more follow (the page stopped at its count or its byte budget).</returns>
    /// <remarks>
    /// The walk skips dead letters (they are listed by <see cref="ListDeadLettersAsync(string, long, int, long, CancellationToken)"/>)
    /// and holds the channel's lock only while it copies references; payloads are read after it. A message that finishes
    /// meanwhile is still copied if the store can read it (a snapshot of the instant of the walk), or left out when the
    /// store already reclaimed its payload.
    /// </remarks>
    public async ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, long maxPayloadBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPayloadBytes);
        var queue = await FindAsync(channel, cancellationToken).ConfigureAwait(false);
        return queue is null ? new MessagePage([], More: false) : queue.Peek(afterId, limit, maxPayloadBytes);
    }

    /// <summary>Gets one dead letter.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels waiting for recovery.</param>
    /// <returns>The dead letter, or null when none has that id.</returns>
    public async ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
    {
        var queue = await FindAsync(channel, cancellationToken).ConfigureAwait(false);
        return queue?.GetDeadLetter(id);
    }

    /// <summary>Puts a dead letter back on its channel with a fresh attempt budget (no tries), deliverable at once.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels waiting for recovery.</param>
    /// <returns>False when no dead letter has that id.</returns>
    public async ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
    {
        var queue = await FindAsync(channel, cancellationToken).ConfigureAwait(false);
        return queue is not null && await queue.RedriveAsync(id).ConfigureAwait(false);
    }

    /// <summary>Deletes a dead letter.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels waiting for recovery.</param>
    /// <returns>False when no dead letter has that id.</returns>
    public async ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
    {
        var queue = await FindAsync(channel, cancellationToken).ConfigureAwait(false);
        return queue is not null && await queue.DeleteDeadLetterAsync(id).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes every message of a channel that is ready or delayed now, for good (through the store: a restart does not
    /// bring them back). Messages leased to workers are left to their handlers; dead letters and dedup keys are kept.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="cancellationToken">Cancels waiting; the purge goes on to the end once it started.</param>
    /// <returns>How many messages were removed, once their removal is as durable as the store promises.</returns>
    /// <remarks>
    /// The messages removed are exactly those ready or delayed at the instant the call reaches the channel: none of them
    /// is delivered after that instant, and a message produced, handed back or retried meanwhile stays. They are removed
    /// in batches, each waiting for the store, so a large backlog neither holds the channel's lock for long nor needs
    /// memory in proportion to it. If the store fails, what it did not store is put back, deliverable as before.
    /// </remarks>
    public async ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default)
    {
        var queue = await FindAsync(channel, cancellationToken).ConfigureAwait(false);
        return queue is null ? 0 : await queue.PurgeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A snapshot of a channel's queue, after doing whatever is due (expired leases, delayed messages, expired dedup
    /// keys). Reflects the store's state once recovery has run (any other call, or <see cref="RecoverAsync"/>).
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <returns>The counts; all zero for a channel the engine has not seen.</returns>
    public ChannelStats GetStats(string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return _channels.TryGetValue(channel, out var queue) ? queue.GetStats() : new ChannelStats(channel, 0, 0, 0, 0, 0, 0, 0);
    }

    /// <summary>Stops timers and completes every subscription's reader; disposes the store if the engine owns it.</summary>
    /// <returns>Completes when the store is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!StopChannels(out var recovery))
            return;
        // The store is closed only once its recovery has ended: closing it meanwhile (a command interrupted while it
        // opens a directory) raced the writer thread recovery starts, and failed or left recovery waiting forever.
        if (recovery is not null)
            await recovery.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
        if (_ownsStore)
            await _store.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops timers and completes every subscription's reader; disposes the store if the engine owns it.</summary>
    public void Dispose()
    {
        if (!StopChannels(out var recovery))
            return;
        recovery?.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        _stopping.Dispose();
        if (!_ownsStore)
            return;
        if (_store is IDisposable disposable)
            disposable.Dispose();
        else
            _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>True the first time; <paramref name="recovery"/> is the recovery started before, asked to stop.</summary>
    private bool StopChannels(out Task? recovery)
    {
        lock (_recoveryGate)
        {
            recovery = _recovery;
            if (_disposed)
                return false;
            _disposed = true;
        }
        // A recovery still replaying stops at the next segment; one past that finishes, so the store is left whole.
        _stopping.Cancel();
        _gauges.Dispose();
        foreach (var queue in _channels.Values)
            queue.Dispose();
        return true;
    }

    private ChannelQueue GetOrCreate(string channel, bool replaying = false)
    {
        if (_channels.TryGetValue(channel, out var queue))
            return queue;
        if (!ChannelNameRules.IsValid(channel, out var nameError))
            throw new ArgumentException(nameError, nameof(channel));
        lock (_channelsGate)
        {
            if (_channels.TryGetValue(channel, out queue))
                return queue;
            // Recovery takes every channel the store holds, even past a limit lowered since they were created.
            if (!replaying && _channels.Count >= MaxChannels)
            {
                EngineLog.ChannelLimitReached(_logger, channel, MaxChannels);
                throw new ChannelLimitException(channel, MaxChannels);
            }
            // A channel that comes back counts on from what it counted before it was forgotten.
            if (_forgottenCounters.Remove(channel, out var counters))
                _forgottenTotals -= counters;
            queue = new ChannelQueue(channel, _store, TimeProvider, _logger, this, Volatile.Read(ref _idFloor), counters);
            _channels[channel] = queue;
            return queue;
        }
    }

    /// <inheritdoc />
    void IChannelOwner.Forget(ChannelQueue queue, long lastId)
    {
        RaiseIdFloor(lastId);
        lock (_channelsGate)
        {
            if (_channels.TryRemove(new KeyValuePair<string, ChannelQueue>(queue.Name, queue)))
                KeepCountersLocked(queue.Name, queue.Counters);
        }
        _store.ForgetChannel(queue.Name, lastId);
    }

    /// <summary>The most forgotten channels whose counters are kept for their return.</summary>
    internal const int MaxKeptCounters = 10_000;

    /// <summary>
    /// Messages produced and completed on every channel since the engine started, forgotten channels included: the sum
    /// only grows.
    /// </summary>
    internal ChannelCounters GetTotals()
    {
        // Under the lock that creating and forgetting take, so no channel is counted twice or missed; each channel's
        // counters are read without its own lock (which comes before this one).
        lock (_channelsGate)
        {
            var totals = _forgottenTotals;
            foreach (var queue in _channels.Values)
                totals += queue.Counters;
            return totals;
        }
    }

    private void KeepCountersLocked(string channel, ChannelCounters counters)
    {
        _forgottenTotals += counters;
        if (counters == default)
            return;
        if (_forgottenCounters.Count >= MaxKeptCounters && !_forgottenCounters.ContainsKey(channel))
        {
            // Full: one that has been away longest (a dictionary that is only added to enumerates in insertion order,
            // close enough) counts from zero if it ever comes back; the totals keep its count.
            foreach (var oldest in _forgottenCounters.Keys)
            {
                _forgottenCounters.Remove(oldest);
                break;
            }
        }
        _forgottenCounters[channel] = counters;
    }

    private void RaiseIdFloor(long id)
    {
        var floor = Volatile.Read(ref _idFloor);
        while (id > floor)
        {
            var seen = Interlocked.CompareExchange(ref _idFloor, id, floor);
            if (seen == floor)
                return;
            floor = seen;
        }
    }

    private async ValueTask<ChannelQueue?> FindAsync(string channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_recovered)
            await StartRecovery().WaitAsync(cancellationToken).ConfigureAwait(false);
        return _channels.GetValueOrDefault(channel);
    }

    private Task StartRecovery()
    {
        // On the thread pool, not on the first caller's thread under the lock: a durable store reads its files and
        // prepares its segments, and callers that arrive meanwhile (hundreds of producers, say) wait asynchronously
        // instead of each blocking a pool thread on the lock.
        lock (_recoveryGate)
        {
            // After disposal the store is closed (or about to be): a recovery started now would reopen its writer.
            if (_recovery is null && _disposed)
                return Task.FromException(new ObjectDisposedException(nameof(QueueEngine)));
            return _recovery ??= Task.Run(RecoverCoreAsync);
        }
    }

    private async Task RecoverCoreAsync()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var replay = new Replay(this);
            await _store.RecoverAsync(replay, _stopping.Token).ConfigureAwait(false);
            foreach (var queue in replay.Touched)
                queue.FinishReplay();
            _recovered = true;
            var elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // A fresh or in-memory store recovers nothing; saying so at start-up would only be noise.
            if (replay.Touched.Count > 0)
                EngineLog.Recovered(_logger, replay.Touched.Count, elapsedMs);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed while replaying: nothing failed.
            throw;
        }
        catch (IOException ex)
        {
            // The store explains itself (a disk without room, lost data): its message says what to do.
            EngineLog.RecoveryRefused(_logger, ex.Message);
            throw;
        }
        catch (Exception ex)
        {
            EngineLog.RecoveryFailed(_logger, ex);
            throw;
        }
    }

    /// <summary>
    /// Feeds a store's records into the channels and the policy table. A store
    /// that compacts keeps it after recovery to copy live messages forward.
    /// </summary>
    private sealed class Replay(QueueEngine engine) : IStoreReplayTarget
    {
        private readonly Dictionary<string, ChannelQueue> _byName = new(StringComparer.Ordinal);

        public Dictionary<string, ChannelQueue>.ValueCollection Touched => _byName.Values;

        public void LastId(string channel, long lastId) => Get(channel).ReplayLastId(lastId);

        public void IdFloor(long floor) => engine.RaiseIdFloor(floor);

        public void Declared(ChannelDefinition policy) => engine._policies.Replay(policy);

        public void Enqueued(in EnqueuedRecord record, PayloadRef payload) => Get(record.Channel).ReplayEnqueued(record, payload);

        public void Changed(in StoreRecord record) => Get(record.Channel).ReplayChanged(record);

        public void DedupKey(string channel, UInt128 key, long messageId, DateTimeOffset expiresAt) =>
            Get(channel).ReplayDedupKey(key, messageId, expiresAt);

        public void VisitUnfinished(Action<PayloadRef> visit)
        {
            foreach (var queue in engine._channels.Values)
                queue.VisitUnfinished(visit);
        }

        public bool TryCarry(string channel, long id, long position, ICarryWriter writer) =>
            engine._channels.TryGetValue(channel, out var queue) && queue.TryCarry(id, position, writer);

        public bool Relocate(string channel, long id, PayloadRef original, PayloadRef copy) =>
            engine._channels.TryGetValue(channel, out var queue) && queue.Relocate(id, original, copy);

        private ChannelQueue Get(string channel)
        {
            if (!_byName.TryGetValue(channel, out var queue))
                _byName.Add(channel, queue = engine.GetOrCreate(channel, replaying: true));
            return queue;
        }
    }
}

using Broker.Engine.Dedup;
using Broker.Engine.Dispatch;
using Broker.Engine.Leases;
using Broker.Engine.Storage;
using System.Runtime.CompilerServices;
using Broker.Transport;
using Microsoft.Extensions.Logging;

namespace Broker.Engine;

/// <summary>
/// One channel's queue and every delivery rule: backlog, dispatch by priority then production order, credit,
/// round-robin, leases with fencing tokens, retries with backoff, dead letters, delay and deduplication.
/// </summary>
/// <remarks>
/// All state is guarded by one lock per channel, and no lock is held across an await: store writes are started under
/// the lock (so records about one message reach the store in decision order) and awaited after it. Deliveries granted
/// under the lock are written to their subscriptions right after it is released, within the same call.
/// </remarks>
internal sealed partial class ChannelQueue
{
    private readonly IQueueStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly MessageTable _messages = new();
    // Most messages have priority 0; only the others pay for an entry here.
    private readonly Dictionary<long, int> _priorities = [];
    // Not readonly: a purge takes the ready and delayed messages away whole (see ChannelQueue.Purge.cs).
    private ReadyQueue _ready = new();
    private BinaryHeap<DelayedEntry, DueOrder> _delayed = new();
    // The due time of each delayed message by id, for a store that copies it (the heap is ordered by due, not id).
    private Dictionary<long, long> _delayedDue = [];
    private readonly BinaryHeap<LeaseDeadline, LeaseDeadlineOrder> _deadlines = new();
    private readonly Dictionary<long, Lease> _leases = [];
    private readonly Dictionary<long, DeadLetterInfo> _deadLetters = [];
    private readonly SortedSet<long> _deadLetterIds = [];
    private readonly DedupTable _dedup = new();
    private readonly List<EngineSubscription> _subscriptions = [];
    private readonly Queue<EngineSubscription> _withCredit = new();
    private readonly IChannelOwner _owner;
    private long _lastId;
    private long _lastToken;
    // Messages accepted and completed since the engine started (carried over when the channel was forgotten): plain
    // fields changed under the lock the produce and the completion hold anyway, read without it for the engine's totals.
    private long _produced;
    private long _completed;
    // Produces that have an id but no slot yet (their store write is under way): the channel is not idle meanwhile.
    private int _producing;
    private bool _forgotten;
    private bool _disposed;

    /// <param name="name">The channel name; its policy comes from <paramref name="owner"/> when a decision needs it.</param>
    /// <param name="store">Where its messages are kept.</param>
    /// <param name="time">The engine's clock.</param>
    /// <param name="logger">The engine's logger.</param>
    /// <param name="owner">Told when the channel holds nothing any more, so it can drop it.</param>
    /// <param name="firstId">Ids start above this: above every id a forgotten channel of the same engine handed out.</param>
    /// <param name="counters">What a forgotten channel of the same name counted, to count on from.</param>
    public ChannelQueue(string name, IQueueStore store, TimeProvider time, ILogger logger, IChannelOwner owner, long firstId, ChannelCounters counters = default)
    {
        _produced = counters.Produced;
        _completed = counters.Completed;
        _store = store;
        _time = time;
        _logger = logger;
        _owner = owner;
        _lastId = firstId;
        Name = name;
        // Tokens start at the clock's ticks so a token handed out before a restart is never handed out again after it.
        _lastToken = time.GetUtcNow().UtcTicks;
    }

    public string Name { get; }

    public TimeProvider Time => _time;

    /// <summary>What the channel counted so far; exact once it is forgotten, a recent value before.</summary>
    public ChannelCounters Counters => new(Volatile.Read(ref _produced), Volatile.Read(ref _completed));

    /// <summary>Stores a message; null when this channel was forgotten meanwhile (the caller asks the engine for it again).</summary>
    public async ValueTask<ProduceResult?> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        long id;
        long now;
        DedupEntry? mine = null;
        while (true)
        {
            Task<bool>? original = null;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_forgotten)
                    return null;
                now = NowTicks();
                if (message.Dedup is { } dedup)
                {
                    PurgeDedup(now);
                    if (_dedup.Find(dedup.Key, now) is { } existing)
                    {
                        if (existing.Pending is null)
                            return new ProduceResult(ProduceStatus.Duplicate, existing.MessageId);
                        original = existing.Pending.Task;
                    }
                    else
                    {
                        id = ++_lastId;
                        mine = new DedupEntry(dedup.Key, id, AddTicks(now, dedup.Window))
                        {
                            Pending = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously),
                        };
                        _dedup.Set(mine);
                        _producing++;
                        ReserveInLine(id, message.OrderingKey);
                        break;
                    }
                }
                else
                {
                    id = ++_lastId;
                    _producing++;
                    ReserveInLine(id, message.OrderingKey);
                    break;
                }
            }
            // The original is still being stored: its outcome decides whether this one is a duplicate.
            await original!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var due = AddTicks(now, message.Delay);
        var record = new EnqueuedRecord(Name, id, message.Priority, ToTime(now), ToTime(due), mine?.Key, ToTime(mine?.ExpiresTicks ?? 0))
        {
            OrderingKey = message.OrderingKey,
        };
        PayloadRef payload;
        try
        {
            // Not cancellable: the store reads the caller's payload until it completes.
            payload = await _store.EnqueueAsync(record, message.Headers, message.Payload).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EngineLog.StoreWriteFailed(_logger, Name, id, ex.Message);
            var freed = DispatchBatch.Rent();
            lock (_gate)
            {
                _producing--;
                if (mine is not null)
                    _dedup.Remove(mine);
                // Not stored: its place in its line goes, and a later message of its key that waited for it may go.
                var at = NowTicks();
                if (LeaveLine(id, at) is not null && !_disposed)
                    DispatchLocked(at, freed);
                ForgetIfIdleLocked();
            }
            Deliver(freed);
            mine?.Pending!.TrySetResult(false);
            throw;
        }

        var pending = mine?.Pending;
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            _producing--;
            if (mine is not null)
                _dedup.Commit(mine, id);
            ref var slot = ref _messages.Add(id);
            slot = new MessageSlot { Position = payload.Position, Length = payload.Length, HeadersLength = (ushort)payload.HeadersLength, ProducedTicks = now };
            if (message.Priority != 0)
                _priorities[id] = message.Priority;
            _produced++;
            var at = NowTicks();
            if (message.OrderingKey is { } key)
                Admit(id, ref slot, key, due, at);
            else
                Place(id, ref slot, due, at);
            DispatchLocked(at, batch);
        }
        Deliver(batch);
        pending?.TrySetResult(true);
        return new ProduceResult(ProduceStatus.Enqueued, id);
    }

    /// <summary>Opens a subscription; null when this channel was forgotten meanwhile (the caller asks the engine for it again).</summary>
    public EngineSubscription? Subscribe(SubscriptionSettings settings, PayloadReading reading)
    {
        var subscription = new EngineSubscription(this, settings, reading);
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_forgotten)
            {
                batch.Return();
                return null;
            }
            _subscriptions.Add(subscription);
            subscription.InCreditQueue = true;
            _withCredit.Enqueue(subscription);
            DispatchLocked(NowTicks(), batch);
        }
        Deliver(batch);
        return subscription;
    }

    public ChannelStats GetStats()
    {
        var batch = DispatchBatch.Rent();
        ChannelStats stats;
        lock (_gate)
        {
            var now = NowTicks();
            if (!_disposed)
                DispatchLocked(now, batch);
            PurgeDedup(now);
            ForgetIfIdleLocked();
            stats = new ChannelStats(Name, _ready.Count + _waiting, _delayed.Count, _leases.Count, _deadLetters.Count, _dedup.Count, _subscriptions.Count, _lastId)
            {
                Produced = _produced,
                Completed = _completed,
                OldestProducedAt = FindOldestLocked() is { } oldest ? ToTime(oldest) : null,
            };
        }
        Deliver(batch);
        return stats;
    }

    public void Dispose()
    {
        EngineSubscription[] subscriptions;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _timer?.Dispose();
            subscriptions = [.. _subscriptions];
        }
        foreach (var subscription in subscriptions)
            subscription.CompleteWriter();
    }

    private long NowTicks() => _time.GetUtcNow().UtcTicks;

    /// <summary>
    /// Hands the channel back to its owner once it holds nothing: no message (live, delayed or dead), no dedup key, no
    /// subscription, no produce or purge under way. It then costs nothing until it is used again; its ids are never handed out
    /// again because the owner starts a new channel above them.
    /// </summary>
    private void ForgetIfIdleLocked()
    {
        if (_forgotten || _disposed || _messages.Count != 0 || _producing != 0 || _purges != 0 || _subscriptions.Count != 0 || _leases.Count != 0 || _dedup.Count != 0 || _replayDue is not null || _lines.Count != 0)
            return;
        _forgotten = true;
        _timer?.Dispose();
        _timer = null;
        _timerTicks = long.MaxValue;
        _owner.Forget(this, _lastId);
    }

    // Most channels never use a priority: their messages skip the lookup.
    private int PriorityOf(long id) => _priorities.Count != 0 && _priorities.TryGetValue(id, out var priority) ? priority : 0;

    /// <summary>Makes a message visible at <paramref name="due"/>: ready now, or delayed until then.</summary>
    private void Place(long id, ref MessageSlot slot, long due, long now)
    {
        // Every message that becomes ready or delayed passes here: the one place the oldest message's floor must hear of it.
        if (id < _oldestFloor)
            _oldestFloor = id;
        if (due > now)
        {
            slot.Status = MessageStatus.Delayed;
            _delayed.Push(new DelayedEntry(due, id));
            _delayedDue[id] = due;
        }
        else
        {
            slot.Status = MessageStatus.Ready;
            _ready.Add(id, PriorityOf(id));
        }
    }

    /// <summary>Forgets a finished message; returns where its payload was.</summary>
    private PayloadRef Forget(long id)
    {
        ref var slot = ref _messages.Find(id);
        if (Unsafe.IsNullRef(ref slot))
            return default;
        var payload = slot.Stored;
        _messages.Remove(id);
        _priorities.Remove(id);
        return payload;
    }

    private static DateTimeOffset ToTime(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    private static long AddTicks(long ticks, TimeSpan span)
    {
        var max = DateTimeOffset.MaxValue.UtcTicks;
        return span.Ticks >= max - ticks ? max : ticks + span.Ticks;
    }

    private void PurgeDedup(long now) =>
        _dedup.Purge(now, this, static (self, expired) => self.Observe(self.Write(StoreRecord.DedupExpired(self.Name, expired.MessageId, expired.Key))));

    /// <summary>Starts a store write; a store that throws instead of returning a faulted task cannot break the caller's state change.</summary>
    private ValueTask Write(StoreRecord record)
    {
        try
        {
            return _store.AppendAsync(record);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    /// <summary>Watches a store write no caller waits for (timers, closing subscriptions), so its failure is logged.</summary>
    private void Observe(ValueTask write)
    {
        if (write.IsCompletedSuccessfully)
        {
            write.GetAwaiter().GetResult();
            return;
        }
        _ = ObserveAsync(write);
    }

    private async Task ObserveAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EngineLog.StoreAppendFailed(_logger, Name, ex.Message);
        }
    }
}

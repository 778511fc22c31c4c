using System.Runtime.CompilerServices;
using Broker.Engine.Dedup;
using Broker.Engine.Dispatch;
using Broker.Engine.Storage;

namespace Broker.Engine;

internal sealed partial class ChannelQueue
{
    // The due time of replayed messages that were delayed or retried, by id; null outside recovery. A message missing
    // here is due when it was produced.
    private Dictionary<long, long>? _replayDue;

    public void ReplayLastId(long lastId)
    {
        lock (_gate)
            _lastId = Math.Max(_lastId, lastId);
    }

    /// <summary>
    /// A stored message. Seeing a message again (a store that rewrote it elsewhere) starts it afresh: the changes that
    /// follow the copy describe it.
    /// </summary>
    public void ReplayEnqueued(in EnqueuedRecord record, PayloadRef payload)
    {
        lock (_gate)
        {
            _replayDue ??= [];
            var id = record.Id;
            _lastId = Math.Max(_lastId, id);
            ref var slot = ref _messages.Add(id);
            if (slot.Status == MessageStatus.DeadLettered && _deadLetters.Remove(id))
                _deadLetterIds.Remove(id);
            slot = new MessageSlot
            {
                Position = payload.Position,
                Length = payload.Length,
                HeadersLength = (ushort)payload.HeadersLength,
                ProducedTicks = record.ProducedAt.UtcTicks,
                Status = MessageStatus.Replaying,
            };
            if (record.Priority != 0)
                _priorities[id] = record.Priority;
            else
                _priorities.Remove(id);
            if (record.DueAt > record.ProducedAt)
                _replayDue[id] = record.DueAt.UtcTicks;
            else
                _replayDue.Remove(id);
            if (record.DedupKey is { } key)
                ReplayDedupKeyLocked(key, id, record.DedupExpiresAt.UtcTicks);
            if (record.OrderingKey is { } orderingKey)
                ReplayJoinLine(id, orderingKey);
            else
                ReplayLeaveLine(id);
        }
    }

    public void ReplayDedupKey(UInt128 key, long messageId, DateTimeOffset expiresAt)
    {
        lock (_gate)
        {
            _lastId = Math.Max(_lastId, messageId);
            ReplayDedupKeyLocked(key, messageId, expiresAt.UtcTicks);
        }
    }

    public void ReplayChanged(in StoreRecord record)
    {
        lock (_gate)
        {
            _replayDue ??= [];
            var id = record.Id;
            ref var slot = ref _messages.Find(id);
            // A change to a message the store no longer holds (or a kind from a newer version): nothing to apply.
            if (Unsafe.IsNullRef(ref slot))
                return;
            switch (record.Kind)
            {
                case StoreRecordKind.Completed:
                    if (slot.Status == MessageStatus.DeadLettered && _deadLetters.Remove(id))
                        _deadLetterIds.Remove(id);
                    _replayDue.Remove(id);
                    ReplayLeaveLine(id);
                    Forget(id);
                    break;
                case StoreRecordKind.RetryScheduled when slot.Status == MessageStatus.Replaying:
                    slot.Tries = record.Tries;
                    _replayDue[id] = record.At.UtcTicks;
                    break;
                case StoreRecordKind.DeadLettered when slot.Status == MessageStatus.Replaying:
                    slot.Tries = record.Tries;
                    slot.Status = MessageStatus.DeadLettered;
                    _deadLetters[id] = new DeadLetterInfo(record.Error, record.At.UtcTicks) { OrderingKey = ReplayLeaveLine(id) };
                    _deadLetterIds.Add(id);
                    _replayDue.Remove(id);
                    break;
                case StoreRecordKind.Redriven when slot.Status == MessageStatus.DeadLettered:
                    if (_deadLetters.Remove(id, out var dead) && dead.OrderingKey is { } key)
                        ReplayJoinLine(id, key);
                    _deadLetterIds.Remove(id);
                    slot.Tries = 0;
                    slot.Status = MessageStatus.Replaying;
                    _replayDue[id] = record.At.UtcTicks;
                    break;
                case StoreRecordKind.Deleted when slot.Status == MessageStatus.DeadLettered:
                    _deadLetters.Remove(id);
                    _deadLetterIds.Remove(id);
                    Forget(id);
                    break;
                default:
                    // Expired dedup keys are dropped by time in ReplayDedupKeyLocked and PurgeDedup; a change that does
                    // not fit the message's state is stale (the message was rewritten after it).
                    break;
            }
        }
    }

    /// <summary>Leases are not stored, so every unfinished message is deliverable (or delayed until due) after recovery.</summary>
    public void FinishReplay()
    {
        lock (_gate)
        {
            var now = NowTicks();
            if (_replayDue is not null)
            {
                _messages.ForEach((Queue: this, Now: now), static (state, id, ref slot) =>
                {
                    var self = state.Queue;
                    // Keyed messages are placed line by line below.
                    if (slot.Status != MessageStatus.Replaying || self._lineOf.ContainsKey(id))
                        return;
                    var due = self._replayDue!.TryGetValue(id, out var at) ? at : slot.ProducedTicks;
                    self.Place(id, ref slot, due, state.Now);
                });
                FinishReplayLines(now);
                _replayDue = null;
            }
            PurgeDedup(now);
            ArmTimer(now);
            ForgetIfIdleLocked();
        }
    }

    /// <summary>Every unfinished message's payload.</summary>
    public void VisitUnfinished(Action<PayloadRef> visit)
    {
        lock (_gate)
            _messages.ForEach(visit, static (v, _, ref slot) => v(slot.Stored));
    }

    /// <summary>Hands an unfinished message's state to a store that copies it, if its payload is where the store thinks.</summary>
    public bool TryCarry(long id, long position, ICarryWriter writer)
    {
        lock (_gate)
        {
            ref var slot = ref _messages.Find(id);
            if (Unsafe.IsNullRef(ref slot) || slot.Position != position)
                return false;
            var now = NowTicks();
            var tries = slot.Tries;
            var due = slot.ProducedTicks;
            DeadLetterInfo dead = default;
            switch (slot.Status)
            {
                case MessageStatus.Delayed:
                    // A delayed message a purge took away (and is about to remove) is carried as it was produced.
                    due = _delayedDue.TryGetValue(id, out var delayedDue) ? delayedDue : due;
                    break;
                case MessageStatus.Leased:
                    // The delivery in progress is not counted until it is settled; after a restart it never happened.
                    tries--;
                    due = Math.Min(due, now);
                    break;
                case MessageStatus.DeadLettered:
                    dead = _deadLetters[id];
                    break;
                case MessageStatus.Replaying when _replayDue?.TryGetValue(id, out var replayDue) == true:
                    due = replayDue;
                    break;
                case MessageStatus.Waiting when _waitingDue.TryGetValue(id, out var waitingDue):
                    due = waitingDue;
                    break;
            }
            writer.Carry(new MessageState(
                PriorityOf(id), ToTime(slot.ProducedTicks), ToTime(due), tries,
                slot.Status == MessageStatus.DeadLettered, dead.Error, ToTime(dead.AtTicks)));
            return true;
        }
    }

    /// <summary>Points a message at the copy of its payload, if it still points at the original.</summary>
    public bool Relocate(long id, PayloadRef from, PayloadRef to)
    {
        lock (_gate)
        {
            ref var slot = ref _messages.Find(id);
            if (Unsafe.IsNullRef(ref slot) || slot.Position != from.Position)
                return false;
            slot.Position = to.Position;
            slot.Length = to.Length;
            return true;
        }
    }

    private void ReplayDedupKeyLocked(UInt128 key, long messageId, long expiresTicks)
    {
        if (expiresTicks <= NowTicks())
            return;
        // Keep the earliest acceptance of a key: a later copy never extends a window.
        if (_dedup.Find(key, long.MinValue) is { } existing && existing.MessageId <= messageId)
            return;
        _dedup.Set(new DedupEntry(key, messageId, expiresTicks));
    }
}

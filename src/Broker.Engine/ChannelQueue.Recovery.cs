using Broker.Engine.Dedup;
using Broker.Engine.Dispatch;
using Broker.Engine.Storage;

namespace Broker.Engine;

internal sealed partial class ChannelQueue
{
    // Messages being replayed, by id; null once recovery finished. Only recovery needs to find a live message by id.
    private Dictionary<long, MessageEntry>? _replaying;

    public void ReplayLastId(long lastId)
    {
        lock (_gate)
            _lastId = Math.Max(_lastId, lastId);
    }

    public void ReplayEnqueued(in EnqueuedRecord record, PayloadRef payload)
    {
        lock (_gate)
        {
            _replaying ??= [];
            _lastId = Math.Max(_lastId, record.Id);
            _replaying[record.Id] = new MessageEntry(record.Id, record.Priority, record.ProducedAt.UtcTicks, record.DueAt.UtcTicks, payload);
            if (record.DedupKey is { } key)
                ReplayDedupKeyLocked(key, record.Id, record.DedupExpiresAt.UtcTicks);
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
            _replaying ??= [];
            switch (record.Kind)
            {
                case StoreRecordKind.Completed:
                    _replaying.Remove(record.Id);
                    break;
                case StoreRecordKind.RetryScheduled when _replaying.TryGetValue(record.Id, out var entry):
                    entry.Tries = record.Tries;
                    entry.DueTicks = record.At.UtcTicks;
                    break;
                case StoreRecordKind.DeadLettered when _replaying.Remove(record.Id, out var entry):
                    entry.Tries = record.Tries;
                    _deadLetters[record.Id] = new DeadLetterState(entry, record.Error, record.At.UtcTicks);
                    _deadLetterIds.Add(record.Id);
                    break;
                case StoreRecordKind.Redriven when _deadLetters.Remove(record.Id, out var state):
                    _deadLetterIds.Remove(record.Id);
                    state.Entry.Tries = 0;
                    state.Entry.DueTicks = record.At.UtcTicks;
                    _replaying[record.Id] = state.Entry;
                    break;
                case StoreRecordKind.Deleted:
                    if (_deadLetters.Remove(record.Id))
                        _deadLetterIds.Remove(record.Id);
                    break;
                case StoreRecordKind.DedupExpired:
                    // Expired keys are dropped by time in ReplayDedupKeyLocked and PurgeDedup; nothing to undo here.
                    break;
                default:
                    // A change to a message the store no longer holds (or a kind from a newer version): nothing to apply.
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
            if (_replaying is not null)
            {
                foreach (var entry in _replaying.Values)
                {
                    if (entry.DueTicks > now)
                        _delayed.Push(entry);
                    else
                        _ready.Push(entry);
                }
                _replaying = null;
            }
            PurgeDedup(now);
            ArmTimer(now);
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

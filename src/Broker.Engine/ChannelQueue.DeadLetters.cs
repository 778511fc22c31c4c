using Broker.Engine.Dispatch;
using Broker.Engine.Storage;
using Broker.Transport;

namespace Broker.Engine;

internal sealed partial class ChannelQueue
{
    /// <summary>
    /// Lists dead letters in id order: at most <paramref name="limit"/>, and no more than <paramref name="maxPayloadBytes"/>
    /// of payloads (always at least one entry), since every entry holds a copy of its payload.
    /// </summary>
    public DeadLetterPage ListDeadLetters(long afterId, int limit, long maxPayloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_gate)
        {
            if (afterId == long.MaxValue || _deadLetterIds.Count == 0)
                return new DeadLetterPage([], More: false);
            var result = new List<DeadLetterEntry>(Math.Min(limit, Math.Min(_deadLetterIds.Count, 1024)));
            long payloadBytes = 0;
            foreach (var id in _deadLetterIds.GetViewBetween(afterId + 1, long.MaxValue))
            {
                if (result.Count == limit)
                    break;
                // Measured before the payload is read: an entry over the budget is never copied.
                var length = _messages.Find(id).Length;
                if (result.Count > 0 && payloadBytes + length > maxPayloadBytes)
                    return new DeadLetterPage(result, More: true);
                payloadBytes += length;
                result.Add(ToEntry(id, _deadLetters[id]));
            }
            return new DeadLetterPage(result, More: false);
        }
    }

    public DeadLetterEntry? GetDeadLetter(long id)
    {
        lock (_gate)
            return _deadLetters.TryGetValue(id, out var info) ? ToEntry(id, info) : null;
    }

    /// <summary>Puts a dead letter back with a fresh attempt budget, visible at once.</summary>
    public async ValueTask<bool> RedriveAsync(long id)
    {
        ValueTask write;
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_deadLetters.Remove(id, out var dead))
            {
                batch.Return();
                return false;
            }
            _deadLetterIds.Remove(id);
            var now = NowTicks();
            ref var slot = ref _messages.Find(id);
            slot.Tries = 0;
            // A keyed one rejoins its line at its production-order place; it never displaces the line's head.
            if (dead.OrderingKey is { } key)
                Admit(id, ref slot, key, now, now);
            else
                Place(id, ref slot, now, now);
            write = Write(StoreRecord.Redriven(Name, id, ToTime(now)));
            DispatchLocked(now, batch);
        }
        Deliver(batch);
        await write.ConfigureAwait(false);
        return true;
    }

    public async ValueTask<bool> DeleteDeadLetterAsync(long id)
    {
        ValueTask write;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_deadLetters.Remove(id))
                return false;
            _deadLetterIds.Remove(id);
            write = Write(StoreRecord.Deleted(Name, id, Forget(id)));
            ForgetIfIdleLocked();
        }
        await write.ConfigureAwait(false);
        return true;
    }

    private DeadLetterEntry ToEntry(long id, DeadLetterInfo info)
    {
        ref var slot = ref _messages.Find(id);
        var stored = slot.Stored;
        var payload = stored.Split(_store.ReadPayload(stored), out var headers);
        return new DeadLetterEntry(
            id,
            Name,
            payload,
            slot.Tries,
            info.Error,
            ToTime(slot.ProducedTicks),
            ToTime(info.AtTicks),
            PriorityOf(id))
        {
            Headers = headers,
        };
    }
}

using Broker.Engine.Dispatch;
using Broker.Engine.Storage;
using Broker.Transport;

namespace Broker.Engine;

internal sealed partial class ChannelQueue
{
    public IReadOnlyList<DeadLetterEntry> ListDeadLetters(long afterId, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_gate)
        {
            if (afterId == long.MaxValue || _deadLetterIds.Count == 0)
                return [];
            var result = new List<DeadLetterEntry>(Math.Min(limit, _deadLetterIds.Count));
            foreach (var id in _deadLetterIds.GetViewBetween(afterId + 1, long.MaxValue))
            {
                result.Add(ToEntry(id, _deadLetters[id]));
                if (result.Count == limit) break;
            }
            return result;
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
            if (!_deadLetters.Remove(id))
            {
                batch.Return();
                return false;
            }
            _deadLetterIds.Remove(id);
            var now = NowTicks();
            ref var slot = ref _messages.Find(id);
            slot.Tries = 0;
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
        return new DeadLetterEntry(
            id,
            Name,
            _store.ReadPayload(new PayloadRef(slot.Position, slot.Length)),
            slot.Tries,
            info.Error,
            ToTime(slot.ProducedTicks),
            ToTime(info.AtTicks),
            PriorityOf(id));
    }
}

using System.Buffers;
using System.Runtime.CompilerServices;
using Broker.Engine.Dispatch;
using Broker.Engine.Storage;

namespace Broker.Engine;

internal sealed partial class ChannelQueue
{
    /// <summary>
    /// Messages a purge removes under one hold of the lock: about a millisecond of work, and one store commit to wait
    /// for before the next batch, so a purge of a million messages never holds the lock for long nor piles up records.
    /// </summary>
    internal const int PurgeBatch = 4096;

    // Purges under way: the channel is not idle meanwhile (their messages may still need putting back).
    private int _purges;

    /// <summary>
    /// Removes every message that is ready, delayed or waiting in a key's line now, for good: each is written to the store as completed (the
    /// record that says a message is gone, whatever its state), so a restart does not bring it back. Leased messages
    /// are left to their handlers; dead letters and dedup keys are kept; the produced and completed counts do not change.
    /// </summary>
    /// <returns>How many messages were removed, once their removal is as durable as the store promises.</returns>
    /// <remarks>
    /// The messages to remove are those ready or delayed at the instant this is called: they are taken out of the ready
    /// set and the delayed heap at once (no worker can be handed one after that instant), then removed in batches of
    /// <see cref="PurgeBatch"/>. A message produced meanwhile (its store write under way, or later) is not one of them and
    /// stays; one a worker hands back or retries meanwhile goes back to the new ready set and stays too. If the store
    /// fails, what it did not store is put back, deliverable as before, and the failure is thrown.
    /// </remarks>
    public async Task<long> PurgeAsync()
    {
        PurgeSet taken;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_forgotten || _ready.Count + _delayed.Count + _waiting == 0)
                return 0;
            // Their slots still say ready, delayed or waiting until each batch removes them; StateOf tells them apart
            // (they are in none of the structures, or marked as purging), so peek and the oldest age pass over them.
            taken = new PurgeSet(_ready, _delayed, TakeWaitingForPurge());
            _ready = new ReadyQueue();
            _delayed = new BinaryHeap<DelayedEntry, DueOrder>();
            _delayedDue = [];
            _purges++;
        }

        var batch = ArrayPool<PurgedMessage>.Shared.Rent(PurgeBatch);
        var failedBatch = ArrayPool<PurgedMessage>.Shared.Rent(PurgeBatch);
        // Tasks, not ValueTasks, to keep in an array: both stores hand out ValueTasks over a Task (or completed), so
        // AsTask allocates nothing.
        var writes = ArrayPool<Task>.Shared.Rent(PurgeBatch);
        long removed = 0;
        try
        {
            while (true)
            {
                var count = RemoveBatch(taken, batch, writes);
                if (count == 0)
                    return removed;
                // Every write awaited, so each message is known stored or not.
                Exception? failure = null;
                var failed = 0;
                var stored = 0;
                for (var i = 0; i < count; i++)
                {
                    try
                    {
                        await writes[i].ConfigureAwait(false);
                        removed++;
                        batch[stored++] = batch[i];
                    }
                    catch (Exception ex)
                    {
                        failure ??= ex;
                        failedBatch[failed++] = batch[i];
                    }
                }
                LeaveLines(batch.AsSpan(0, stored));
                if (failure is not null)
                {
                    PutBack(failedBatch.AsSpan(0, failed), taken);
                    EngineLog.StoreAppendFailed(_logger, Name, failure.Message);
                    throw failure;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _purges--;
                ForgetIfIdleLocked();
            }
            ArrayPool<Task>.Shared.Return(writes, clearArray: true);
            ArrayPool<PurgedMessage>.Shared.Return(batch);
            ArrayPool<PurgedMessage>.Shared.Return(failedBatch);
        }
    }

    /// <summary>Removes up to one batch of the taken messages, starting their store writes; returns how many.</summary>
    /// <remarks>
    /// A keyed message keeps its place in its line until its removal is stored: were the removal lost (a failed write,
    /// a crash), it would be delivered again, and must not be delivered after a later message of its key. A store that
    /// finished at once (memory) frees its line now.
    /// </remarks>
    private int RemoveBatch(PurgeSet taken, PurgedMessage[] batch, Task[] writes)
    {
        var count = 0;
        var dispatched = DispatchBatch.Rent();
        lock (_gate)
        {
            while (count < PurgeBatch && taken.TryTake(out var id, out var due))
            {
                ref var slot = ref _messages.Find(id);
                if (Unsafe.IsNullRef(ref slot) || slot.Status is not (MessageStatus.Ready or MessageStatus.Delayed or MessageStatus.Waiting))
                {
                    _purgingWaiting.Remove(id);
                    continue;
                }
                if (slot.Status == MessageStatus.Waiting)
                {
                    _waiting--;
                    if (_waitingDue.Remove(id, out var waitingDue))
                        due = waitingDue;
                }
                var keyed = _lineOf.ContainsKey(id);
                var saved = slot;
                var priority = PriorityOf(id);
                var write = Write(StoreRecord.Completed(Name, id, Forget(id)));
                if (keyed && write.IsCompletedSuccessfully)
                {
                    PurgedFromLine(id, NowTicks());
                    keyed = false;
                }
                batch[count] = new PurgedMessage(id, saved, priority, due, keyed);
                writes[count] = write.AsTask();
                count++;
            }
            // A line freed at once may have placed its next message (one produced since the purge began).
            if (count > 0 && !_disposed)
                DispatchLocked(NowTicks(), dispatched);
        }
        Deliver(dispatched);
        return count;
    }

    /// <summary>Keyed messages whose removal is stored leave their lines; what that frees is dispatched.</summary>
    private void LeaveLines(ReadOnlySpan<PurgedMessage> stored)
    {
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            var now = NowTicks();
            foreach (var message in stored)
            {
                if (message.HoldsLine)
                    PurgedFromLine(message.Id, now);
            }
            if (!_disposed)
                DispatchLocked(now, batch);
        }
        Deliver(batch);
    }

    /// <summary>After a store failure: the messages whose removal was not stored, and those not yet removed, are deliverable again as before.</summary>
    private void PutBack(ReadOnlySpan<PurgedMessage> unstored, PurgeSet taken)
    {
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            if (_disposed)
            {
                batch.Return();
                return;
            }
            var now = NowTicks();
            foreach (var message in unstored)
            {
                ref var slot = ref _messages.Add(message.Id);
                slot = message.Slot;
                if (message.Priority != 0)
                    _priorities[message.Id] = message.Priority;
                var due = message.Slot.Status is MessageStatus.Delayed or MessageStatus.Waiting ? Math.Max(message.DueTicks, now) : now;
                // A keyed one never left its line: a head is placed again, a waiting one waits (and goes if it is first).
                if (_lineOf.TryGetValue(message.Id, out var line) && line.Head != message.Id)
                {
                    Wait(message.Id, ref slot, due, now);
                    ReturnToLine(message.Id, now);
                }
                else
                {
                    Place(message.Id, ref slot, due, now);
                }
            }
            while (taken.TryTake(out var id, out var due))
            {
                ref var slot = ref _messages.Find(id);
                if (Unsafe.IsNullRef(ref slot))
                    continue;
                if (slot.Status == MessageStatus.Waiting)
                    ReturnToLine(id, now); // never removed: still waiting, and counted so
                else if (slot.Status is MessageStatus.Ready or MessageStatus.Delayed)
                    Place(id, ref slot, slot.Status == MessageStatus.Delayed ? due : now, now);
            }
            DispatchLocked(now, batch);
        }
        Deliver(batch);
    }

    /// <summary>
    /// A removed message as it was, to put back if its removal could not be stored; <paramref name="HoldsLine"/> when it
    /// is keyed and leaves its line only once its removal is stored.
    /// </summary>
    private readonly record struct PurgedMessage(long Id, MessageSlot Slot, int Priority, long DueTicks, bool HoldsLine);

    /// <summary>
    /// The ready set, delayed heap and waiting messages a purge took away, emptied one message at a time (in no particular
    /// order).
    /// </summary>
    private sealed class PurgeSet(ReadyQueue ready, BinaryHeap<DelayedEntry, DueOrder> delayed, List<long> waiting)
    {
        private readonly Queue<long> _waiting = new(waiting);

        public bool TryTake(out long id, out long dueTicks)
        {
            dueTicks = 0;
            if (ready.TryTake(out id))
                return true;
            if (delayed.TryTakeAny(out var entry))
            {
                (id, dueTicks) = (entry.Id, entry.DueTicks);
                return true;
            }
            return _waiting.TryDequeue(out id);
        }
    }
}

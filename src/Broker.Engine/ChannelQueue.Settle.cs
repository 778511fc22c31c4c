using Broker.Engine.Dispatch;
using Broker.Engine.Leases;
using Broker.Engine.Storage;
using Broker.Transport;

namespace Broker.Engine;

internal sealed partial class ChannelQueue
{
    public async ValueTask<SettleOutcome> CompleteAsync(EngineSubscription subscription, Delivery delivery)
    {
        ValueTask write = default;
        var outcome = SettleOutcome.LeaseLost;
        var batch = DispatchBatch.Rent();
        MessageSlot completed = default;
        var priority = 0;
        var keyed = false;
        lock (_gate)
        {
            var now = NowTicks();
            if (!TryTakeLease(subscription, delivery, now, out var lease))
            {
                DispatchAfterRefusal(now, batch);
            }
            else
            {
                EndLease(lease);
                completed = _messages.Find(lease.Id);
                priority = PriorityOf(lease.Id);
                write = Write(StoreRecord.Completed(Name, lease.Id, Forget(lease.Id)));
                _completed++;
                outcome = SettleOutcome.Completed;
                // The next message of a key goes once this completion is stored: were it lost, this message would be
                // delivered again, and then after (and maybe beside) its successor. A store that finished at once (memory)
                // frees the key now.
                if (write.IsCompletedSuccessfully)
                    LeaveLine(lease.Id, now);
                else
                    keyed = _lineOf.ContainsKey(lease.Id);
                DispatchLocked(now, batch);
            }
        }
        Deliver(batch);
        try
        {
            await write.ConfigureAwait(false);
        }
        catch
        {
            // Not stored, so not completed: the message is delivered again (its store still holds it as unfinished).
            // A keyed one is still its line's head, so nothing of its key went meanwhile.
            Restore(delivery.Id, completed, priority);
            throw;
        }
        if (keyed)
            FreeKey(delivery.Id);
        return outcome;
    }

    /// <summary>A keyed message's completion is stored: the next message of its key can go.</summary>
    private void FreeKey(long id)
    {
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            var now = NowTicks();
            LeaveLine(id, now);
            if (!_disposed)
                DispatchLocked(now, batch);
            ForgetIfIdleLocked();
        }
        Deliver(batch);
    }

    /// <summary>Puts back a message whose completion could not be stored, deliverable at once; the delivery still counts.</summary>
    private void Restore(long id, MessageSlot saved, int priority)
    {
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            if (_disposed || _forgotten)
            {
                batch.Return();
                return;
            }
            // Not stored, so not completed.
            _completed--;
            ref var slot = ref _messages.Add(id);
            slot = saved;
            if (priority != 0)
                _priorities[id] = priority;
            var now = NowTicks();
            Place(id, ref slot, now, now);
            DispatchLocked(now, batch);
        }
        Deliver(batch);
    }

    public async ValueTask<SettleOutcome> FailAsync(EngineSubscription subscription, Delivery delivery, FailureKind kind, string reason)
    {
        ValueTask write = default;
        var outcome = SettleOutcome.LeaseLost;
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            var now = NowTicks();
            if (!TryTakeLease(subscription, delivery, now, out var lease))
            {
                DispatchAfterRefusal(now, batch);
            }
            else
            {
                write = FailLocked(lease, now, kind, reason, out outcome);
                DispatchLocked(now, batch);
            }
        }
        Deliver(batch);
        await write.ConfigureAwait(false);
        return outcome;
    }

    public async ValueTask<SettleOutcome> RetryAsync(EngineSubscription subscription, Delivery delivery, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ValueTask write = default;
        var outcome = SettleOutcome.LeaseLost;
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            var now = NowTicks();
            if (!TryTakeLease(subscription, delivery, now, out var lease))
            {
                DispatchAfterRefusal(now, batch);
            }
            else
            {
                // Asked for by the handler, not a failure: the delivery stays counted but never leads to a dead letter.
                EndLease(lease);
                write = Schedule(lease.Id, ref _messages.Find(lease.Id), AddTicks(now, delay), now);
                outcome = SettleOutcome.Retrying;
                DispatchLocked(now, batch);
            }
        }
        Deliver(batch);
        await write.ConfigureAwait(false);
        return outcome;
    }

    public SettleOutcome Release(EngineSubscription subscription, Delivery delivery)
    {
        var outcome = SettleOutcome.LeaseLost;
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            var now = NowTicks();
            if (!TryTakeLease(subscription, delivery, now, out var lease))
            {
                DispatchAfterRefusal(now, batch);
            }
            else
            {
                ReleaseLocked(lease, now);
                outcome = SettleOutcome.Released;
                DispatchLocked(now, batch);
            }
        }
        Deliver(batch);
        return outcome;
    }

    public bool Renew(EngineSubscription subscription, Delivery delivery)
    {
        var renewed = false;
        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            var now = NowTicks();
            if (!TryTakeLease(subscription, delivery, now, out var lease))
            {
                DispatchAfterRefusal(now, batch);
            }
            else
            {
                // The deadline heap keeps the old expiry; when it comes up the lease is found renewed and pushed again.
                lease.ExpiresTicks = AddTicks(now, subscription.Settings.LeaseDuration);
                renewed = true;
            }
        }
        Deliver(batch);
        return renewed;
    }

    /// <summary>The deliveries <paramref name="subscription"/> holds: granted and not settled yet.</summary>
    public int HeldBy(EngineSubscription subscription)
    {
        lock (_gate)
            return subscription.Held.Count;
    }

    public void StopDeliveries(EngineSubscription subscription)
    {
        lock (_gate)
            subscription.Stopped = true;
        // After the flag: nothing new is granted to it, and a grant already made finds the writer closed and hands back.
        subscription.CompleteWriter();
    }

    /// <summary>
    /// Closes a subscription: its deliveries still waiting in the reader are handed back uncounted (nobody saw them);
    /// the leases of deliveries it did read are lost at once and count as attempts, as for a crashed worker.
    /// </summary>
    public void Close(EngineSubscription subscription)
    {
        lock (_gate)
        {
            if (subscription.Closed) return;
            subscription.Closed = true;
            _subscriptions.Remove(subscription);
        }
        subscription.CompleteWriter();
        var unread = subscription.DrainUnread();

        var batch = DispatchBatch.Rent();
        lock (_gate)
        {
            var now = NowTicks();
            foreach (var delivery in unread)
            {
                if (_leases.TryGetValue(delivery.LeaseToken, out var lease) && ReferenceEquals(lease.Owner, subscription))
                    ReleaseLocked(lease, now);
            }
            var held = subscription.Held.ToArray();
            foreach (var lease in held)
                LoseLocked(lease, now, "its subscription closed");
            if (held.Length > 0)
                EngineLog.LeasesLost(_logger, Name, held.Length, held[0].Id, "their subscription closed (the worker's connection dropped or it stopped without settling)");
            if (!_disposed)
                DispatchLocked(now, batch);
            ForgetIfIdleLocked();
        }
        Deliver(batch);
    }

    /// <summary>
    /// Finds the lease a settle refers to. A lease past its expiry is lost now, even if the timer has not fired yet,
    /// and the settle is refused.
    /// </summary>
    private bool TryTakeLease(EngineSubscription subscription, Delivery delivery, long now, out Lease lease)
    {
        if (!_leases.TryGetValue(delivery.LeaseToken, out lease!) || lease.Id != delivery.Id || !ReferenceEquals(lease.Owner, subscription))
            return false;
        if (lease.ExpiresTicks > now)
            return true;
        LoseLocked(lease, now, "worker crashed or hung");
        return false;
    }

    /// <summary>A refused settle may have found an expired lease, whose message is now deliverable elsewhere.</summary>
    private void DispatchAfterRefusal(long now, DispatchBatch batch)
    {
        if (!_disposed)
            DispatchLocked(now, batch);
    }

    /// <summary>Ends a lease and gives its subscription the credit back.</summary>
    private void EndLease(Lease lease)
    {
        _leases.Remove(lease.Token);
        lease.Owner.Held.Remove(lease);
        OfferCredit(lease.Owner);
    }

    /// <summary>Hands a message back without counting the delivery: visible again at once.</summary>
    private void ReleaseLocked(Lease lease, long now)
    {
        EndLease(lease);
        ref var slot = ref _messages.Find(lease.Id);
        slot.Tries--;
        Place(lease.Id, ref slot, now, now);
    }

    /// <summary>A lost lease counts as an attempt: the message is deliverable again at once, or dead-lettered when its attempts are spent.</summary>
    private void LoseLocked(Lease lease, long now, string why)
    {
        EndLease(lease);
        ref var slot = ref _messages.Find(lease.Id);
        var maxAttempts = _owner.PolicyOf(Name).MaxAttempts;
        EngineLog.LeaseLost(_logger, Name, lease.Id, slot.Tries, why);
        if (slot.Tries >= maxAttempts)
            Observe(DeadLetterLocked(lease.Id, ref slot, now, $"lease lost on delivery {slot.Tries} of {maxAttempts} ({why})"));
        else
            Observe(Schedule(lease.Id, ref slot, now, now));
    }

    private ValueTask FailLocked(Lease lease, long now, FailureKind kind, string reason, out SettleOutcome outcome)
    {
        EndLease(lease);
        ref var slot = ref _messages.Find(lease.Id);
        var policy = _owner.PolicyOf(Name);
        if (kind == FailureKind.Permanent || slot.Tries >= policy.MaxAttempts)
        {
            outcome = SettleOutcome.DeadLettered;
            return DeadLetterLocked(lease.Id, ref slot, now, reason);
        }
        outcome = SettleOutcome.Retrying;
        return Schedule(lease.Id, ref slot, AddTicks(now, policy.RetryDelayAfter(slot.Tries)), now);
    }

    /// <summary>Makes a message deliverable again from <paramref name="due"/>, keeping its tries.</summary>
    private ValueTask Schedule(long id, ref MessageSlot slot, long due, long now)
    {
        Place(id, ref slot, due, now);
        return Write(StoreRecord.RetryScheduled(Name, id, slot.Tries, ToTime(due)));
    }

    private ValueTask DeadLetterLocked(long id, ref MessageSlot slot, long now, string? error)
    {
        slot.Status = MessageStatus.DeadLettered;
        // A dead letter steps out of its key's line, so a poison message never blocks its key for ever.
        var line = LeaveLine(id, now);
        _deadLetters.Add(id, new DeadLetterInfo(error, now) { OrderingKey = line?.Key });
        _deadLetterIds.Add(id);
        EngineLog.DeadLettered(_logger, Name, id, slot.Tries, error);
        return Write(StoreRecord.DeadLettered(Name, id, slot.Tries, error, ToTime(now)));
    }
}

using System.Diagnostics.CodeAnalysis;
using Broker.Engine.Dispatch;
using Broker.Engine.Leases;
using Broker.Engine.Storage;
using Broker.Transport;

namespace Broker.Engine;

internal sealed partial class ChannelQueue
{
    // Timers take at most about 49 days; a later deadline is served by waking once a day and arming again.
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(1);

    private ITimer? _timer;
    private long _timerTicks = long.MaxValue;

    /// <summary>
    /// Hands visible messages to subscriptions with credit, round-robin, after doing whatever became due (expired
    /// leases, delayed messages). Grants leases here; <see cref="Deliver"/> writes the deliveries after the lock.
    /// </summary>
    private void DispatchLocked(long now, DispatchBatch batch)
    {
        ExpireLeases(now, batch);
        PromoteDue(now);
        while (_ready.Count > 0 && TryTakeSubscriptionWithCredit(out var subscription))
        {
            _ready.TryTake(out var id);
            ref var slot = ref _messages.Find(id);
            slot.Tries++;
            slot.Status = MessageStatus.Leased;
            var lease = new Lease(
                ++_lastToken, id, subscription, slot.Tries, AddTicks(now, subscription.Settings.LeaseDuration),
                slot.Stored, slot.ProducedTicks, PriorityOf(id));
            _leases.Add(lease.Token, lease);
            subscription.Held.Add(lease);
            _deadlines.Push(new LeaseDeadline(lease.ExpiresTicks, lease));
            if (subscription.HasCredit)
            {
                // Back of the queue: subscriptions with credit take turns.
                subscription.InCreditQueue = true;
                _withCredit.Enqueue(subscription);
            }
            batch.Add(lease);
        }
        ArmTimer(now);
    }

    private bool TryTakeSubscriptionWithCredit(out EngineSubscription subscription)
    {
        while (_withCredit.TryDequeue(out subscription!))
        {
            subscription.InCreditQueue = false;
            if (subscription.IsOpen && subscription.HasCredit)
                return true;
        }
        return false;
    }

    /// <summary>Puts a subscription back in turn when it regains credit.</summary>
    private void OfferCredit(EngineSubscription subscription)
    {
        if (!subscription.InCreditQueue && subscription.IsOpen && subscription.HasCredit)
        {
            subscription.InCreditQueue = true;
            _withCredit.Enqueue(subscription);
        }
    }

    private void PromoteDue(long now)
    {
        while (_delayed.TryPeek(out var entry) && entry.DueTicks <= now)
        {
            _delayed.Pop();
            _delayedDue.Remove(entry.Id);
            ref var slot = ref _messages.Find(entry.Id);
            slot.Status = MessageStatus.Ready;
            _ready.Add(entry.Id, PriorityOf(entry.Id));
        }
    }

    private void ExpireLeases(long now, DispatchBatch batch)
    {
        var expired = 0;
        var first = 0L;
        while (_deadlines.TryPeek(out var deadline) && deadline.ExpiresTicks <= now)
        {
            _deadlines.Pop();
            var lease = deadline.Lease;
            if (!IsCurrent(lease))
                continue;
            if (lease.ExpiresTicks > now)
            {
                _deadlines.Push(new LeaseDeadline(lease.ExpiresTicks, lease)); // renewed since it was pushed
            }
            else
            {
                if (expired++ == 0)
                    first = lease.Id;
                LoseLocked(lease, now, "worker crashed or hung");
            }
        }
        // One line for all the leases a hung worker held, not one per message.
        if (expired > 0)
            EngineLog.LeasesLost(_logger, Name, expired, first, "they expired: the worker crashed or hung");
    }

    /// <summary>
    /// Writes the deliveries granted under the lock. A subscription that stopped meanwhile gets nothing: the lease is
    /// handed back uncounted. A payload the store cannot read counts as a failed attempt, so it backs off instead of
    /// spinning. A subscription that reads payloads late gets deliveries without them (see <see cref="PayloadReading"/>).
    /// </summary>
    private void Deliver(DispatchBatch batch)
    {
        // The batch can grow while it is walked: handing a lease back may dispatch to another subscription.
        for (var i = 0; i < batch.Count; i++)
        {
            var lease = batch[i];
            if (!TryCreateDelivery(lease, batch, out var delivery))
                continue;

            if (!lease.Owner.TryWrite(delivery))
            {
                lock (_gate)
                {
                    var now = NowTicks();
                    if (IsCurrent(lease))
                        ReleaseLocked(lease, now);
                    if (!_disposed)
                        DispatchLocked(now, batch);
                }
            }
        }
        batch.Return();
    }

    /// <summary>Builds a lease's delivery, reading its payload unless its subscription reads payloads late.</summary>
    /// <returns>False when the payload could not be read: the lease was failed (and what that freed dispatched into the batch).</returns>
    private bool TryCreateDelivery(Lease lease, DispatchBatch batch, [NotNullWhen(true)] out Delivery? delivery)
    {
        var producedAt = ToTime(lease.ProducedTicks);
        if (lease.Owner.Reading == PayloadReading.Deferred)
        {
            delivery = new DeferredDelivery(Name, lease.Id, lease.Payload.Length - lease.Payload.HeadersLength, lease.Payload.HeadersLength, lease.Tries, producedAt, lease.Priority, lease.Token);
            return true;
        }
        try
        {
            var payload = lease.Payload.Split(_store.ReadPayload(lease.Payload), out var headers);
            delivery = new Delivery(Name, lease.Id, payload, lease.Tries, producedAt, lease.Priority, lease.Token, headers);
            return true;
        }
        catch (Exception ex)
        {
            EngineLog.PayloadReadFailed(_logger, ex, Name, lease.Id);
            lock (_gate)
            {
                var now = NowTicks();
                if (IsCurrent(lease))
                    Observe(FailLocked(lease, now, FailureKind.Transient, UnreadableReason(ex), out _));
                DispatchLocked(now, batch);
            }
            delivery = null;
            return false;
        }
    }

    private static string UnreadableReason(Exception ex) => "The payload could not be read from the store: " + ex.Message;

    /// <summary>Arms the channel's one timer for the earliest due message or lease deadline, if that is sooner than armed.</summary>
    private void ArmTimer(long now)
    {
        if (_disposed || _forgotten) return;
        var earliest = long.MaxValue;
        if (_delayed.TryPeek(out var entry)) earliest = entry.DueTicks;
        if (_deadlines.TryPeek(out var deadline) && deadline.ExpiresTicks < earliest) earliest = deadline.ExpiresTicks;
        // Expired dedup keys are purged by the timer too, so an idle ExactlyOnce channel gives its keys back and is forgotten.
        if (_dedup.TryPeekExpiry(out var keyExpiry) && keyExpiry < earliest) earliest = keyExpiry;
        if (earliest >= _timerTicks) return;

        _timerTicks = earliest;
        // Exact ticks, so fake time fires precisely at the deadline; a real timer that fires a little early finds
        // nothing due and arms again. Never zero: a timer due at once may run its callback on this thread, in this lock.
        var delay = TimeSpan.FromTicks(Math.Clamp(earliest - now, 1, MaxTimerDelay.Ticks));
        _timer ??= _time.CreateTimer(static state => ((ChannelQueue)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        try
        {
            var batch = DispatchBatch.Rent();
            lock (_gate)
            {
                if (_disposed || _forgotten)
                {
                    batch.Return();
                    return;
                }
                _timerTicks = long.MaxValue;
                var now = NowTicks();
                PurgeDedup(now);
                DispatchLocked(now, batch);
                ForgetIfIdleLocked();
            }
            Deliver(batch);
        }
        catch (Exception ex)
        {
            // An exception escaping a timer callback ends the process; the next call on the channel retries the work.
            EngineLog.TimerFailed(_logger, ex, Name);
        }
    }

    private bool IsCurrent(Lease lease) => _leases.TryGetValue(lease.Token, out var current) && ReferenceEquals(current, lease);
}

using Broker.Engine.Dispatch;
using Broker.Engine.Leases;
using Broker.Engine.Storage;
using Broker.Transport;

namespace Broker.Engine;

internal sealed partial class ChannelQueue
{
    /// <summary>
    /// Reads the payload of a delivery made without it (<see cref="PayloadReading.Deferred"/>), if its lease is still
    /// current. Where the payload is comes from the message, not the lease: compaction may have moved it since the lease
    /// was granted. It is read outside the lock; a read that fails because compaction moved the payload meanwhile (and
    /// retired the segment it was in) is tried again at the new place.
    /// </summary>
    /// <returns>
    /// False when the lease is no longer current (expired, settled, released, its subscription closed): nobody will see
    /// this delivery, and the engine already counted or handed back the message. Also false when the payload cannot be
    /// read: the delivery then counts as a failed attempt, as for one read when granted.
    /// </returns>
    public bool TryReadPayload(EngineSubscription subscription, Delivery delivery, out ReadOnlyMemory<byte> payload, out ReadOnlyMemory<byte> headers)
    {
        payload = default;
        headers = default;
        if (!TryLocatePayload(subscription, delivery, out var lease, out var at))
            return false;
        while (true)
        {
            try
            {
                payload = at.Split(_store.ReadPayload(at), out headers);
                return true;
            }
            catch (Exception ex)
            {
                if (!TryFindMovedPayload(lease, at, ex, out at))
                    return false;
            }
        }
    }

    /// <summary>Finds the delivery's current lease and where its message's payload is now.</summary>
    private bool TryLocatePayload(EngineSubscription subscription, Delivery delivery, out Lease lease, out PayloadRef at)
    {
        var batch = DispatchBatch.Rent();
        var found = false;
        at = default;
        lock (_gate)
        {
            var now = NowTicks();
            if (TryTakeLease(subscription, delivery, now, out lease))
            {
                at = PayloadOf(lease.Id);
                found = true;
            }
            else
            {
                // The lease may have just expired here, making its message deliverable to someone else.
                DispatchAfterRefusal(now, batch);
            }
        }
        Deliver(batch);
        return found;
    }

    /// <summary>
    /// After a failed read at <paramref name="tried"/>: the payload's new place if compaction moved it meanwhile.
    /// Otherwise the payload is unreadable, and the lease is failed like one whose payload could not be read when granted.
    /// </summary>
    /// <returns>True to read again at <paramref name="at"/>.</returns>
    private bool TryFindMovedPayload(Lease lease, PayloadRef tried, Exception error, out PayloadRef at)
    {
        var batch = DispatchBatch.Rent();
        bool moved;
        at = tried;
        lock (_gate)
        {
            if (!IsCurrent(lease))
            {
                batch.Return();
                return false;
            }
            at = PayloadOf(lease.Id);
            moved = at.Position != tried.Position;
            if (!moved)
            {
                var now = NowTicks();
                Observe(FailLocked(lease, now, FailureKind.Transient, UnreadableReason(error), out _));
                DispatchLocked(now, batch);
            }
        }
        if (!moved)
            EngineLog.PayloadReadFailed(_logger, error, Name, lease.Id);
        Deliver(batch);
        return moved;
    }

    /// <summary>Where an unfinished message's payload is now.</summary>
    private PayloadRef PayloadOf(long id)
    {
        return _messages.Find(id).Stored;
    }
}

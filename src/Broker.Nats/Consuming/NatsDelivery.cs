using Broker.Transport;
using NATS.Client.JetStream;

namespace Broker.Nats.Consuming;

/// <summary>
/// A delivery with its JetStream message and its lease, fenced on the client. JetStream accepts a late ack (and even
/// a late NAK, which would then hit the message's next delivery), so the subscription refuses to send anything for a
/// delivery whose lease may be gone: past its own lease without a renewal, or close to the server's ack wait without a
/// confirmed in-progress ack.
/// </summary>
internal sealed class NatsDelivery : Delivery
{
    private readonly Lock _gate = new();
    private DeliveryState _state = DeliveryState.Held;

    public NatsDelivery(
        string channel, long id, ReadOnlyMemory<byte> payload, int tries, DateTimeOffset producedAt, int priority, long leaseToken,
        INatsJSMsg<byte[]> message, int level, int priorTries, int priorRetries, long clientDeadline, long serverDeadline, ReadOnlyMemory<byte> headers)
        : base(channel, id, payload, tries, producedAt, priority, leaseToken, headers)
    {
        Message = message;
        Level = level;
        PriorTries = priorTries;
        PriorRetries = priorRetries;
        ClientDeadline = clientDeadline;
        ServerDeadline = serverDeadline;
    }

    public INatsJSMsg<byte[]> Message { get; }

    /// <summary>The priority level (consumer) it came from; a keyed message's priority.</summary>
    public int Level { get; }

    /// <summary>The partition (consumer) a keyed message came from; null for an unkeyed one.</summary>
    public int? Partition { get; init; }

    /// <summary>A keyed message's ordering key; null for an unkeyed one.</summary>
    public string? Key { get; init; }

    /// <summary>A keyed message's recorded history when it was delivered (see <see cref="KeyHistory"/>); null for none.</summary>
    public KeyHistoryEntry? History { get; init; }

    /// <summary>JetStream's delivery count of this stream message.</summary>
    public ulong NumDelivered => Message.Metadata!.Value.NumDelivered;

    /// <summary>The stream sequence of this copy of the message.</summary>
    public ulong StreamSequence => Message.Metadata!.Value.Sequence.Stream;

    public int PriorTries { get; }

    public int PriorRetries { get; }

    /// <summary>Deliveries that count against the failure budget: every try except those that ended in a requested retry.</summary>
    public int AttemptsUsed => Tries - PriorRetries;

    /// <summary>Timestamp (of the subscription's clock) when the subscription's own lease ends unless renewed.</summary>
    public long ClientDeadline { get; private set; }

    /// <summary>Timestamp by which the server, not having heard from us, may give the message to another worker.</summary>
    public long ServerDeadline { get; private set; }

    /// <summary>True once the subscription's credit for this delivery was given back.</summary>
    public bool CreditReturned { get; set; }

    public DeliveryState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    /// <summary>Moves Held → Settling if the lease is still safely ours at <paramref name="now"/>.</summary>
    public bool TryBeginSettle(long now, long margin)
    {
        lock (_gate)
        {
            if (_state != DeliveryState.Held || !IsLeaseValid(now, margin)) return false;
            _state = DeliveryState.Settling;
            return true;
        }
    }

    public void EndSettle()
    {
        lock (_gate) _state = DeliveryState.Settled;
    }

    /// <summary>Held → Lost. Returns whether the server still holds the message for us (so a NAK is safe and useful).</summary>
    public bool TryLose(long now, long margin, out bool serverStillOurs)
    {
        lock (_gate)
        {
            serverStillOurs = false;
            if (_state != DeliveryState.Held) return false;
            _state = DeliveryState.Lost;
            serverStillOurs = now < ServerDeadline - margin;
            return true;
        }
    }

    public bool IsLeaseValid(long now, long margin) => now < ClientDeadline && now < ServerDeadline - margin;

    public void ExtendClient(long deadline)
    {
        lock (_gate)
            if (deadline > ClientDeadline) ClientDeadline = deadline;
    }

    public void ExtendServer(long deadline)
    {
        lock (_gate)
            if (deadline > ServerDeadline) ServerDeadline = deadline;
    }
}

internal enum DeliveryState
{
    Held,
    Settling,
    Settled,
    Lost,
}

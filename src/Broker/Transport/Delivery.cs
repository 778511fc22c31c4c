namespace Broker.Transport;

/// <summary>
/// One delivery of a message to a subscription. It holds a lease identified by <see cref="LeaseToken"/>: settling it
/// with a token whose lease was lost (expired, or the subscription closed) is refused, so a late worker cannot complete
/// a message another worker now owns. Adapters may derive from it to carry their own state (a NATS message, say).
/// </summary>
public class Delivery
{
    /// <summary>Creates a delivery.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="payload">The BSON document.</param>
    /// <param name="tries">Which delivery this is, starting at 1.</param>
    /// <param name="producedAt">When the message was stored.</param>
    /// <param name="priority">The message's priority.</param>
    /// <param name="leaseToken">The fencing token of this delivery's lease.</param>
    /// <param name="headers">The message's headers, encoded by <see cref="HeaderCodec.Encode"/>; empty for none.</param>
    public Delivery(string channel, long id, ReadOnlyMemory<byte> payload, int tries, DateTimeOffset producedAt, int priority, long leaseToken, ReadOnlyMemory<byte> headers = default)
    {
        Headers = headers;
        Channel = channel;
        Id = id;
        Payload = payload;
        Tries = tries;
        ProducedAt = producedAt;
        Priority = priority;
        LeaseToken = leaseToken;
    }

    /// <summary>The channel name.</summary>
    public string Channel { get; }

    /// <summary>The message id, unique within the channel.</summary>
    public long Id { get; }

    /// <summary>The BSON document.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The message's headers, encoded by <see cref="HeaderCodec.Encode"/>; empty for none.</summary>
    public ReadOnlyMemory<byte> Headers { get; }

    /// <summary>Which delivery this is, starting at 1.</summary>
    public int Tries { get; }

    /// <summary>When the message was stored.</summary>
    public DateTimeOffset ProducedAt { get; }

    /// <summary>The message's priority.</summary>
    public int Priority { get; }

    /// <summary>The fencing token of this delivery's lease: unique per delivery, increasing within a channel.</summary>
    public long LeaseToken { get; }
}

using Broker.Transport;

namespace Broker.Engine;

/// <summary>
/// A delivery of a subscription that reads payloads late (<see cref="PayloadReading.Deferred"/>): its
/// <see cref="Delivery.Payload"/> is empty, and <see cref="PayloadLength"/> says how large the payload is, so room for
/// it can be reserved before it is read with <see cref="EngineSubscription.TryReadPayload"/>.
/// </summary>
public sealed class DeferredDelivery : Delivery
{
    internal DeferredDelivery(string channel, long id, int payloadLength, int headersLength, int tries, DateTimeOffset producedAt, int priority, long leaseToken)
        : base(channel, id, ReadOnlyMemory<byte>.Empty, tries, producedAt, priority, leaseToken)
    {
        PayloadLength = payloadLength;
        HeadersLength = headersLength;
    }

    /// <summary>The payload's length in bytes (compaction may move a payload, never change its length).</summary>
    public int PayloadLength { get; }

    /// <summary>The length of the message's headers (their BSON document) in bytes; 0 for none.</summary>
    public int HeadersLength { get; }
}

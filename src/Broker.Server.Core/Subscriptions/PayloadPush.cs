using Broker.Engine;
using Broker.Protocol;
using Broker.Transport;

namespace Broker.Server.Subscriptions;

/// <summary>
/// The one way deliveries reach a connection's socket: room for the whole frame is reserved in the outbound queue
/// first, and only then is the payload read from the store, so a connection holds no payload bytes beyond its outbound
/// limit, whatever its subscriptions' credit (their deliveries wait in the engine without payloads).
/// </summary>
internal static class PayloadPush
{
    /// <summary>
    /// Reserves <paramref name="frameSize"/> bytes of <paramref name="outbound"/> and reads the delivery's payload. On
    /// success the caller writes the frame in <see cref="OutboundQueue.Enter(int)"/> with that size, which ends the
    /// reservation.
    /// </summary>
    /// <returns>
    /// The payload and the message's headers; null when the delivery's lease is no longer current (nobody will see it;
    /// the room is given back).
    /// </returns>
    /// <exception cref="IOException">The connection is closing.</exception>
    public static async ValueTask<(ReadOnlyMemory<byte> Payload, ReadOnlyMemory<byte> Headers)?> ReserveAndReadAsync(OutboundQueue outbound, EngineSubscription engine, Delivery delivery, int frameSize)
    {
        await outbound.ReserveAsync(frameSize, CancellationToken.None).ConfigureAwait(false);
        var read = false;
        ReadOnlyMemory<byte> payload = default, headers = default;
        try
        {
            read = engine.TryReadPayload(delivery, out payload, out headers);
        }
        finally
        {
            if (!read)
                outbound.Unreserve(frameSize);
        }
        return read ? (payload, headers) : null;
    }

    /// <summary>The payload length of a delivery of a subscription that reads payloads late.</summary>
    public static int PayloadLength(Delivery delivery) => ((DeferredDelivery)delivery).PayloadLength;

    /// <summary>The length of the message's headers, for a delivery of a subscription that reads payloads late.</summary>
    public static int HeadersLength(Delivery delivery) => ((DeferredDelivery)delivery).HeadersLength;
}

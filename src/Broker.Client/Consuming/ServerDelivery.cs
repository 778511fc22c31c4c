using Broker.Client.Connection;
using Broker.Transport;

namespace Broker.Client.Consuming;

/// <summary>
/// A delivery received over one connection. Its lease lives in the server-side subscription of that connection, so
/// once the connection is gone the lease is gone too: settling it is refused locally, without a round trip.
/// </summary>
internal sealed class ServerDelivery(
    string channel, long id, ReadOnlyMemory<byte> payload, int tries, DateTimeOffset producedAt, int priority, long leaseToken,
    ServerSubscription subscription, ClientConnection connection, ReadOnlyMemory<byte> headers)
    : Delivery(channel, id, payload, tries, producedAt, priority, leaseToken, headers)
{
    public ServerSubscription Subscription { get; } = subscription;

    public ClientConnection Connection { get; } = connection;
}

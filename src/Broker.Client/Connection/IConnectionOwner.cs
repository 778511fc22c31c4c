using Broker.Protocol.Messages;

namespace Broker.Client.Connection;

/// <summary>Receives what a connection's server pushes.</summary>
internal interface IConnectionOwner
{
    /// <summary>A delivery for one of the owner's subscriptions; called on the connection's read loop, so it must not block.</summary>
    void OnDelivery(ClientConnection connection, in DeliveryPush push);
}

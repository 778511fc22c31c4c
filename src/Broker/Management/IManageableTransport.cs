using Broker.Transport;

namespace Broker.Management;

/// <summary>
/// A transport whose broker answers the management API: the in-memory and embedded brokers (their engine, in this
/// process) and the server client (the server, through its protocol). The NATS adapter has none; JetStream's own tools
/// manage its streams.
/// </summary>
public interface IManageableTransport : IQueueTransport
{
    /// <summary>The management API of the broker this transport talks to; valid as long as the transport.</summary>
    IBrokerManagement Management { get; }
}

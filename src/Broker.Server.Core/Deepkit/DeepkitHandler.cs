using Broker.Server.Network;

namespace Broker.Server.Deepkit;

/// <summary>
/// What one <see cref="ServerConnection"/> does for a <c>@deepkit/broker</c> client and no other: publishes
/// (QueuePublish), per-channel subscriptions answered message by message (QueueSubscribe, QueueMessageHandled,
/// QueueUnsubscribe), and frames sent in chunks. The connection reads the frames, authenticates, limits and answers
/// failures for both protocols; it hands these message types here.
/// </summary>
internal sealed partial class DeepkitHandler : IDisposable
{
    private readonly ServerConnection _connection;
    // The connection's lock: it guards these subscriptions together with the native ones, whose count and credit
    // the connection's limits add up.
    private readonly Lock _gate;

    /// <param name="connection">The connection whose Deepkit requests this handles.</param>
    /// <param name="gate">The connection's lock, held while subscriptions are added, counted and taken.</param>
    /// <param name="maxFrameBytes">The largest frame the connection accepts now, chunked frames included.</param>
    public DeepkitHandler(ServerConnection connection, Lock gate, int maxFrameBytes)
    {
        _connection = connection;
        _gate = gate;
        // Bounded like the frames themselves: a pending connection cannot make the server hold a large chunked frame.
        _chunks = new ChunkAssembler(maxFrameBytes);
    }

    private BrokerServer Server => _connection.Server;

    /// <summary>Gives back the buffers of chunked frames still incomplete.</summary>
    public void Dispose() => _chunks.Dispose();
}

namespace Broker.Transport;

/// <summary>
/// What an adapter implements to carry typed channels: in-memory engine, embedded durable log, broker server or NATS
/// JetStream. It moves opaque BSON bytes; encoding, decoding, handler invocation and lease renewal happen once, above
/// it, in the channel runtime. Every adapter must pass the conformance suite.
/// </summary>
public interface IQueueTransport : IAsyncDisposable
{
    /// <summary>The clock the channel runtime uses for lease renewal; the engine's clock for in-process adapters.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>
    /// Opens a channel: declares its policy to the broker once, and returns the handle that produces, subscribes and
    /// manages dead letters (the shape of a JetStream stream handle). Opening the same channel again returns a handle
    /// of the same channel; the last declaration of a channel's policy wins (see <c>docs/delivery.md</c>).
    /// </summary>
    /// <param name="channel">The channel's name and policy.</param>
    /// <param name="cancellationToken">Cancels the declaration.</param>
    /// <returns>The handle; it holds nothing to dispose.</returns>
    /// <exception cref="ArgumentException">The adapter cannot carry this channel (its name, say).</exception>
    ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken);

    /// <summary>
    /// Checks whether the adapter can carry messages now: the embedded log is writable and not stopped, the server
    /// client is connected and authenticated, NATS answers with JetStream. An adapter that is not connected tries to
    /// connect, within <paramref name="cancellationToken"/>. It never changes delivery state, never waits on the hot path
    /// (produces, deliveries, settles), and reports a failure as an unhealthy result rather than throwing.
    /// </summary>
    /// <param name="cancellationToken">Bounds the check; when it fires the check reports what it knows (unhealthy, with the reason).</param>
    /// <returns>The status, a description naming what is wrong and what to do, and facts such as the directory or address.</returns>
    ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken);
}

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
}

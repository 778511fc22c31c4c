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

    /// <summary>Stores one message, or reports it as a duplicate of an ExactlyOnce message within its window.</summary>
    /// <param name="message">The message. The transport copies the payload if it keeps it past this call.</param>
    /// <param name="cancellationToken">Cancels waiting; the message may still have been stored.</param>
    /// <returns>Completes once the message is as durable as the adapter promises.</returns>
    ValueTask<ProduceResult> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>Starts a subscription. It never holds more than <see cref="SubscriptionSettings.MaxParallel"/> unsettled deliveries.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="settings">Credit and lease.</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    /// <returns>The subscription.</returns>
    ValueTask<ITransportSubscription> SubscribeAsync(ChannelDefinition channel, SubscriptionSettings settings, CancellationToken cancellationToken);

    /// <summary>Lists a channel's dead letters in id order.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="afterId">Only ids greater than this.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead letters.</returns>
    ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(ChannelDefinition channel, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Gets one dead letter.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead letter or null.</returns>
    ValueTask<DeadLetterEntry?> GetDeadLetterAsync(ChannelDefinition channel, long id, CancellationToken cancellationToken);

    /// <summary>Moves a dead letter back onto its channel with a fresh attempt budget.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when no dead letter has that id.</returns>
    ValueTask<bool> RedriveDeadLetterAsync(ChannelDefinition channel, long id, CancellationToken cancellationToken);

    /// <summary>Deletes a dead letter.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when no dead letter has that id.</returns>
    ValueTask<bool> DeleteDeadLetterAsync(ChannelDefinition channel, long id, CancellationToken cancellationToken);
}

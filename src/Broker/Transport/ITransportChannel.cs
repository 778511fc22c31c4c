namespace Broker.Transport;

/// <summary>
/// One channel of a transport, opened by <see cref="IQueueTransport.OpenChannelAsync"/> with its policy declared once.
/// Thread-safe; valid as long as its transport.
/// </summary>
public interface ITransportChannel
{
    /// <summary>The channel's name and the policy this handle declared.</summary>
    ChannelDefinition Definition { get; }

    /// <summary>Stores one message, or reports it as a duplicate of an ExactlyOnce message within its window.</summary>
    /// <param name="message">The message. The transport copies the payload and headers if it keeps them past this call.</param>
    /// <param name="cancellationToken">Cancels waiting; the message may still have been stored.</param>
    /// <returns>Completes once the message is as durable as the adapter promises.</returns>
    /// <exception cref="ArgumentException">The message breaks <see cref="MessageLimits"/>; nothing was stored.</exception>
    ValueTask<ProduceResult> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>Starts a subscription. It never holds more than <see cref="SubscriptionSettings.MaxParallel"/> unsettled deliveries.</summary>
    /// <param name="settings">Credit and lease, within <see cref="SubscriptionLimits"/>.</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The settings break <see cref="SubscriptionLimits"/>.</exception>
    ValueTask<ITransportSubscription> SubscribeAsync(SubscriptionSettings settings, CancellationToken cancellationToken);

    /// <summary>Lists the channel's dead letters in id order.</summary>
    /// <param name="afterId">Only ids greater than this.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead letters.</returns>
    ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Gets one dead letter.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead letter or null.</returns>
    ValueTask<DeadLetterEntry?> GetDeadLetterAsync(long id, CancellationToken cancellationToken);

    /// <summary>Moves a dead letter back onto its channel with a fresh attempt budget, its headers kept.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when no dead letter has that id.</returns>
    ValueTask<bool> RedriveDeadLetterAsync(long id, CancellationToken cancellationToken);

    /// <summary>Deletes a dead letter.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when no dead letter has that id.</returns>
    ValueTask<bool> DeleteDeadLetterAsync(long id, CancellationToken cancellationToken);
}

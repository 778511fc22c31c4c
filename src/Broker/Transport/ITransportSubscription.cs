using System.Threading.Channels;

namespace Broker.Transport;

/// <summary>The outcome of settling a delivery.</summary>
public enum SettleOutcome
{
    /// <summary>The message was completed and removed.</summary>
    Completed,

    /// <summary>The message will be delivered again after a delay (a failure within the attempt budget, or a requested retry).</summary>
    Retrying,

    /// <summary>The message was handed back and is deliverable again at once.</summary>
    Released,

    /// <summary>The message's attempts are exhausted (or it can never succeed); it is in the dead-letter queue.</summary>
    DeadLettered,

    /// <summary>
    /// Refused: the delivery's lease was lost (it expired or the subscription closed) and the message may already belong
    /// to another worker. Nothing changed.
    /// </summary>
    LeaseLost,
}

/// <summary>Why a handler failed, which decides between retry and dead letter.</summary>
public enum FailureKind
{
    /// <summary>The handler threw: retry with backoff while attempts remain.</summary>
    Transient,

    /// <summary>The message can never succeed (its payload cannot be decoded): dead-letter it now.</summary>
    Permanent,
}

/// <summary>
/// A transport-level subscription: deliveries come out of <see cref="Deliveries"/>, and each must be settled exactly
/// once. The transport gives no more than the subscription's credit of unsettled deliveries at a time.
/// </summary>
public interface ITransportSubscription : IAsyncDisposable
{
    /// <summary>Deliveries, in dispatch order. The reader completes when the subscription is closed.</summary>
    ChannelReader<Delivery> Deliveries { get; }

    /// <summary>Completes a delivery: the message is removed.</summary>
    /// <param name="delivery">The delivery.</param>
    /// <param name="cancellationToken">Cancels waiting; the completion may still happen.</param>
    /// <returns><see cref="SettleOutcome.Completed"/> or <see cref="SettleOutcome.LeaseLost"/>.</returns>
    ValueTask<SettleOutcome> CompleteAsync(Delivery delivery, CancellationToken cancellationToken);

    /// <summary>Reports a failed delivery: the broker retries it with backoff or dead-letters it.</summary>
    /// <param name="delivery">The delivery.</param>
    /// <param name="kind">Transient (retry while attempts remain) or permanent (dead-letter now).</param>
    /// <param name="reason">What went wrong, kept with the message.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns><see cref="SettleOutcome.Retrying"/>, <see cref="SettleOutcome.DeadLettered"/> or <see cref="SettleOutcome.LeaseLost"/>.</returns>
    ValueTask<SettleOutcome> FailAsync(Delivery delivery, FailureKind kind, string reason, CancellationToken cancellationToken);

    /// <summary>Redelivers a message after a delay the handler asked for; not a failure.</summary>
    /// <param name="delivery">The delivery.</param>
    /// <param name="delay">How long it stays invisible.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns><see cref="SettleOutcome.Retrying"/> or <see cref="SettleOutcome.LeaseLost"/>.</returns>
    ValueTask<SettleOutcome> RetryAsync(Delivery delivery, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a delivery back without counting it as an attempt (it was never handled, or its handler was stopped by a
    /// shutdown): deliverable again at once.
    /// </summary>
    /// <param name="delivery">The delivery.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns><see cref="SettleOutcome.Released"/> or <see cref="SettleOutcome.LeaseLost"/>.</returns>
    ValueTask<SettleOutcome> ReleaseAsync(Delivery delivery, CancellationToken cancellationToken);

    /// <summary>Extends a delivery's lease by the subscription's lease duration.</summary>
    /// <param name="delivery">The delivery.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>False when the lease was already lost.</returns>
    ValueTask<bool> RenewAsync(Delivery delivery, CancellationToken cancellationToken);

    /// <summary>
    /// Stops new deliveries while keeping the leases of unsettled ones, so a graceful stop can finish or hand them back.
    /// <see cref="Deliveries"/> completes once nothing more will come.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Completes when the transport has stopped dispatching to this subscription.</returns>
    ValueTask StopDeliveriesAsync(CancellationToken cancellationToken);
}

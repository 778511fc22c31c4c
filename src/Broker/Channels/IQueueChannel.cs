namespace Broker;

/// <summary>The part of a channel that does not depend on its message type.</summary>
public interface IQueueChannel
{
    /// <summary>The channel's name and delivery policy.</summary>
    ChannelDefinition Definition { get; }

    /// <summary>The channel's message type.</summary>
    Type MessageType { get; }

    /// <summary>Calls <paramref name="visitor"/> with this channel's message type as a type argument.</summary>
    /// <typeparam name="TResult">What the visitor returns.</typeparam>
    /// <param name="visitor">The visitor.</param>
    /// <returns>The visitor's result.</returns>
    TResult Accept<TResult>(IQueueChannelVisitor<TResult> visitor);
}

/// <summary>Generic code that works on a channel without knowing its message type at compile time.</summary>
/// <typeparam name="TResult">What the visit returns.</typeparam>
public interface IQueueChannelVisitor<out TResult>
{
    /// <summary>Called with the channel, typed.</summary>
    /// <typeparam name="T">The channel's message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <returns>The result.</returns>
    TResult Visit<T>(IQueueChannel<T> channel);
}

/// <summary>
/// A typed queue channel. Declare one as a <c>partial interface</c> with <see cref="ChannelAttribute"/>; the source
/// generator implements it and registers it for dependency injection.
/// </summary>
/// <typeparam name="T">The message type. It travels as BSON.</typeparam>
public interface IQueueChannel<T> : IQueueChannel
{
    /// <summary>
    /// Stores a message. Completes when the broker has stored it as durably as its mode promises (memory: in the
    /// engine; embedded and server: fsync'd), or has dropped it as a duplicate of an ExactlyOnce message.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="options">Per-message hash, delay, priority and deduplication overrides; null for the channel's defaults.</param>
    /// <param name="cancellationToken">Cancels waiting; the message may still have been stored.</param>
    /// <returns>Enqueued or Duplicate, with the message id.</returns>
    /// <exception cref="Bson.BsonNullMemberException">
    /// A member declared non-nullable holds null (an <see cref="ArgumentException"/> naming the member path, such as
    /// <c>Order.Lines[2].Sku</c>); nothing was stored.
    /// </exception>
    ValueTask<ProduceResult> ProduceAsync(T message, ProduceOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes a handler. Each message goes to one subscription at a time; this one holds at most
    /// <see cref="ConsumeOptions.MaxParallel"/> unfinished messages. A handler that returns completes its message; one
    /// that throws has it retried with backoff and, after the channel's attempts, dead-lettered.
    /// </summary>
    /// <param name="handler">Handles one message. Its token is cancelled when the subscription stops or the lease is lost.</param>
    /// <param name="options">Parallelism and lease; null for defaults.</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    /// <returns>The subscription; dispose it to stop consuming.</returns>
    ValueTask<IQueueSubscription> ConsumeAsync(Func<QueueMessage<T>, CancellationToken, ValueTask> handler, ConsumeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The channel's dead-letter queue: messages whose deliveries were exhausted.</summary>
    IDeadLetterQueue<T> DeadLetters { get; }
}

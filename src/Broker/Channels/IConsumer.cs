namespace Broker;

/// <summary>
/// A message handler class. Register it with <c>services.AddConsumer&lt;TChannel, TConsumer&gt;()</c>; the host
/// creates one dependency-injection scope per message and resolves the consumer in it.
/// </summary>
/// <typeparam name="T">The message type of the channel it consumes.</typeparam>
public interface IConsumer<T>
{
    /// <summary>Handles one message. Return to complete it; throw to have it retried.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancelled when the host stops or the message's lease is lost.</param>
    /// <returns>Completes when the message is handled.</returns>
    ValueTask ConsumeAsync(QueueMessage<T> message, CancellationToken cancellationToken);
}

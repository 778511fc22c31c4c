namespace Broker;

/// <summary>How a channel treats a message that is produced twice.</summary>
/// <remarks>The numeric values match Deepkit's <c>QueueMessageProcessing</c> enum, so they travel unchanged on its wire.</remarks>
public enum QueueMessageProcessing
{
    /// <summary>
    /// A message whose hash was already enqueued within the deduplication window is not enqueued again, and the
    /// producer is told <see cref="ProduceStatus.Duplicate"/>. Delivery is then "until one handler completes": a
    /// handler's side effects can still run twice if its worker dies after them and before the acknowledgement.
    /// </summary>
    ExactlyOnce = 0,

    /// <summary>Every produced message is enqueued; no deduplication. This is the default.</summary>
    AtLeastOnce = 1,
}

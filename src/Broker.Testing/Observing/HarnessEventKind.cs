namespace Broker.Testing;

/// <summary>What the harness saw happen to a message on a channel.</summary>
public enum HarnessEventKind
{
    /// <summary>
    /// A producer called <c>ProduceAsync</c> and the broker answered: stored, or dropped as a duplicate of an ExactlyOnce
    /// message within its window (<see cref="ObservedMessage{T}.IsDuplicate"/>).
    /// </summary>
    Produced,

    /// <summary>A handler returned and the broker removed the message.</summary>
    Consumed,

    /// <summary>
    /// A delivery failed: the handler threw (<see cref="ObservedMessage{T}.Error"/> holds the exception's type and message),
    /// or the payload could not be decoded. The broker retries it with backoff, or dead-letters it when its attempts are used up.
    /// </summary>
    Failed,

    /// <summary>The message was moved to the channel's dead-letter queue, with its last error.</summary>
    DeadLettered,

    /// <summary>The handler asked for a later redelivery with <c>message.RetryAfter(delay)</c> and returned.</summary>
    RetryRequested,

    /// <summary>A delivery was handed back without counting an attempt (its subscription was stopping).</summary>
    Released,

    /// <summary>
    /// The broker refused to settle a delivery because its lease was lost (it expired, or the subscription closed); the
    /// message is delivered again.
    /// </summary>
    LeaseLost,
}

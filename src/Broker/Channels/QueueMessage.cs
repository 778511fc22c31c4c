namespace Broker;

/// <summary>A delivered message, as a handler sees it.</summary>
/// <typeparam name="T">The channel's message type.</typeparam>
public sealed class QueueMessage<T>
{
    /// <summary>Creates a message; adapters and tests use this, handlers receive it.</summary>
    /// <param name="id">The broker's id of the message, unique within the channel.</param>
    /// <param name="channel">The channel name.</param>
    /// <param name="data">The decoded message.</param>
    /// <param name="tries">Which delivery this is, starting at 1.</param>
    /// <param name="producedAt">When the broker stored the message.</param>
    /// <param name="priority">The message's priority.</param>
    /// <param name="headers">The message's headers; null for none.</param>
    public QueueMessage(long id, string channel, T data, int tries, DateTimeOffset producedAt, int priority = 0, IReadOnlyDictionary<string, string>? headers = null)
    {
        Headers = headers ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
        Id = id;
        Channel = channel;
        Data = data;
        Tries = tries;
        ProducedAt = producedAt;
        Priority = priority;
    }

    /// <summary>
    /// The broker's id of the message, unique within the channel. Together with <see cref="Channel"/> it is the
    /// idempotency key to record alongside a handler's side effects, because a message can be delivered again if a
    /// worker dies after the side effect and before the acknowledgement.
    /// </summary>
    public long Id { get; }

    /// <summary>The headers the message was produced with (<see cref="ProduceOptions.Headers"/>); empty for none.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The channel name.</summary>
    public string Channel { get; }

    /// <summary>The message.</summary>
    public T Data { get; }

    /// <summary>Which delivery this is: 1 the first time, 2 after one failure or lost lease, and so on.</summary>
    public int Tries { get; }

    /// <summary>When the broker stored the message.</summary>
    public DateTimeOffset ProducedAt { get; }

    /// <summary>The message's priority.</summary>
    public int Priority { get; }

    /// <summary>The delay requested with <see cref="RetryAfter"/>, or null when the handler did not ask for a retry.</summary>
    public TimeSpan? RequestedRetryDelay { get; private set; }

    /// <summary>
    /// Asks for this message to be delivered again after <paramref name="delay"/> instead of being acknowledged when
    /// the handler returns (Deepkit's <c>message.delay()</c>). The redelivery counts as a delivery in <see cref="Tries"/>
    /// but is not a failure, so it never sends the message to the dead-letter queue.
    /// </summary>
    /// <param name="delay">How long the message stays invisible; zero or more.</param>
    public void RetryAfter(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        RequestedRetryDelay = delay;
    }
}

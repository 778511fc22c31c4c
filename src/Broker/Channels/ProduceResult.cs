namespace Broker;

/// <summary>What happened to a produced message.</summary>
public enum ProduceStatus
{
    /// <summary>The message was stored and will be delivered.</summary>
    Enqueued,

    /// <summary>
    /// An ExactlyOnce message with the same deduplication key was enqueued within the window, so this one was dropped.
    /// <see cref="ProduceResult.MessageId"/> is the id of that earlier message.
    /// </summary>
    Duplicate,
}

/// <summary>The outcome of <see cref="IQueueChannel{T}.ProduceAsync"/>.</summary>
/// <param name="Status">Whether the message was enqueued or dropped as a duplicate.</param>
/// <param name="MessageId">The id of the enqueued message, or of the earlier message this one duplicates.</param>
public readonly record struct ProduceResult(ProduceStatus Status, long MessageId)
{
    /// <summary>True when the message was stored.</summary>
    public bool IsEnqueued => Status == ProduceStatus.Enqueued;

    /// <summary>True when the message was dropped as a duplicate.</summary>
    public bool IsDuplicate => Status == ProduceStatus.Duplicate;
}

namespace Broker.Conformance;

/// <summary>The seed's message.</summary>
public sealed record User(int Id, string Username);

/// <summary>Deepkit's test channel, AtLeastOnce.</summary>
[Channel("user/registered")]
public partial interface IUserChannel : IQueueChannel<User>;

/// <summary>Channel-level ExactlyOnce with Deepkit's default window (5m).</summary>
[Channel("user/registered-once", Process = QueueMessageProcessing.ExactlyOnce)]
public partial interface IExactlyOnceUserChannel : IQueueChannel<User>;

/// <summary>Channel-level ExactlyOnce with a one-second window.</summary>
[Channel("user/registered-once-1s", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
public partial interface IShortWindowUserChannel : IQueueChannel<User>;

/// <summary>
/// Channel-level ExactlyOnce with a three-second window, for adapters on real time: a loaded machine can take more than
/// a second between two produces, which would let a one-second window lapse before the repeat is sent.
/// </summary>
[Channel("user/registered-once-3s", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "3s")]
public partial interface IThreeSecondWindowUserChannel : IQueueChannel<User>;

/// <summary>Few attempts and short backoff, for retry and dead-letter tests.</summary>
[Channel("user/flaky", MaxAttempts = 3, RetryDelay = "100ms")]
public partial interface IFlakyUserChannel : IQueueChannel<User>;

/// <summary>An event of one entity: <see cref="Key"/> orders it, <see cref="Seq"/> numbers it within its key from 1.</summary>
public sealed record KeyedEvent(string Key, int Seq);

/// <summary>Ordered by the message's own member, with few attempts and short backoff for retry tests.</summary>
[Channel("ordering/by-member", OrderBy = nameof(KeyedEvent.Key), MaxAttempts = 3, RetryDelay = "100ms")]
public partial interface IKeyedEventChannel : IQueueChannel<KeyedEvent>;

/// <summary>Ordered, each produce giving its key (or none).</summary>
[Channel("ordering/by-produce", Ordered = true)]
public partial interface IOrderedByProduceChannel : IQueueChannel<KeyedEvent>;

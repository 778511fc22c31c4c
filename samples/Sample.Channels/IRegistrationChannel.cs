using Broker;

namespace Sample.Channels;

/// <summary>
/// The seed's channel. ExactlyOnce with a one-second window: registering the same user twice within a second enqueues
/// one message, and the second producer is told it was a duplicate.
/// </summary>
[Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
public partial interface IRegistrationChannel : IQueueChannel<User>;

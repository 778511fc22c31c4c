namespace Broker.Generators.Tests.Behaviour;

[Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
public partial interface IRegistrationChannel : IQueueChannel<User>;

[Channel("orders/created", MaxAttempts = 3, RetryDelay = "250ms")]
public partial interface IOrderChannel : IQueueChannel<OrderEvent>;

[Channel("tests/everything")]
internal partial interface IEverythingChannel : IQueueChannel<Everything>;

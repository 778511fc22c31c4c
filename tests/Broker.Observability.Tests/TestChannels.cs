namespace Broker.Observability.Tests;

public sealed record Order(int Number, string Customer);

[Channel("obs/orders")]
public partial interface IOrderChannel : IQueueChannel<Order>;

[Channel("obs/flaky", MaxAttempts = 2, RetryDelay = "10ms")]
public partial interface IFlakyChannel : IQueueChannel<Order>;

using Broker;

namespace Broker.Cli.Tests.Infrastructure;

public sealed record Order(int Number, string Customer, List<string> Items);

public sealed record Payment(int Number, decimal Amount);

/// <summary>Orders wait for a worker: what channels, peek and purge look at.</summary>
[Channel("cli/orders")]
public partial interface IOrders : IQueueChannel<Order>;

/// <summary>Payments fail once and are dead-lettered at once: what the dead-letter commands act on.</summary>
[Channel("cli/payments", MaxAttempts = 1)]
public partial interface IPayments : IQueueChannel<Payment>;

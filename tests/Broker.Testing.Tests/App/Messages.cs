namespace Broker.Testing.Tests.App;

// The application under test: what a user's own project would declare. The tests exercise it only through the harness.

public sealed record User(int Id, string Username);

public sealed record Welcome(int UserId, string Text);

public sealed record Payment(int Id, decimal Amount);

[Channel("users/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1m")]
public partial interface IRegistrationChannel : IQueueChannel<User>;

[Channel("users/welcomed")]
public partial interface IWelcomeChannel : IQueueChannel<Welcome>;

[Channel("payments/requested", MaxAttempts = 3, RetryDelay = "1s")]
public partial interface IPaymentChannel : IQueueChannel<Payment>;

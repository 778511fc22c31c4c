namespace Broker.Hosting.Tests;

public sealed record Signup(int Id, string Email);

public sealed record Invoice(int Number);

[Channel("hosting/signups")]
public partial interface ISignupChannel : IQueueChannel<Signup>;

[Channel("hosting/invoices")]
public partial interface IInvoiceChannel : IQueueChannel<Invoice>;

using System.Collections.Concurrent;

namespace Broker.Testing.Tests.App;

/// <summary>A mailer that fails its first <see cref="FailuresBeforeSuccess"/> sends, then records each mail.</summary>
public sealed class FakeMailer : IMailer
{
    private int _calls;

    public int FailuresBeforeSuccess { get; init; }

    public ConcurrentQueue<(string To, string Text)> Sent { get; } = new();

    public Task SendAsync(string recipient, string text, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _calls) <= FailuresBeforeSuccess)
            throw new InvalidOperationException("SMTP server unavailable");
        Sent.Enqueue((recipient, text));
        return Task.CompletedTask;
    }
}

/// <summary>A payment gateway that declines every charge.</summary>
public sealed class DecliningGateway : IPaymentGateway
{
    public Task ChargeAsync(Payment payment, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"Card declined for payment {payment.Id}");
}

/// <summary>A payment gateway that records every charge.</summary>
public sealed class RecordingGateway : IPaymentGateway
{
    public ConcurrentQueue<Payment> Charged { get; } = new();

    public Task ChargeAsync(Payment payment, CancellationToken cancellationToken)
    {
        Charged.Enqueue(payment);
        return Task.CompletedTask;
    }
}

namespace Broker.Testing.Tests.App;

/// <summary>The app's payment provider; tests replace it with a fake.</summary>
public interface IPaymentGateway
{
    Task ChargeAsync(Payment payment, CancellationToken cancellationToken);
}

/// <summary>Charges each requested payment; a gateway error fails the delivery, so the broker retries it.</summary>
public sealed class PaymentConsumer(IPaymentGateway gateway) : IConsumer<Payment>
{
    public async ValueTask ConsumeAsync(QueueMessage<Payment> message, CancellationToken cancellationToken)
    {
        // The provider rate-limits large amounts: ask for a later delivery instead of failing.
        if (message.Data.Amount > 1000 && message.Tries == 1)
        {
            message.RetryAfter(TimeSpan.FromMinutes(1));
            return;
        }
        await gateway.ChargeAsync(message.Data, cancellationToken);
    }
}

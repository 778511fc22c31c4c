using Broker.Testing.Tests.App;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Testing.Tests;

/// <summary>Retries and dead letters play out on the harness clock: backoffs of seconds pass without waiting for them.</summary>
public sealed class RetryTests
{
    private static readonly DateTimeOffset Start = new BrokerTestHarnessOptions().StartTime;

    [Fact]
    public async Task AFailingConsumerIsRetriedUntilItSucceeds()
    {
        var mailer = new FakeMailer { FailuresBeforeSuccess = 2 };
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(mailer));

        await harness.GetChannel<IRegistrationChannel>().ProduceAsync(new User(1, "ada"));
        var first = await harness.Failed<IRegistrationChannel, User>(m => m.Tries == 1);
        Assert.Equal("System.InvalidOperationException: SMTP server unavailable", first.Error);
        Assert.False(first.WasDeadLettered);

        // Retried after 1 s, fails again, retried after 2 s more: both within this one call.
        await harness.AdvanceTimeAsync(TimeSpan.FromSeconds(3));

        var consumed = await harness.Consumed<IRegistrationChannel, User>(m => m.Data.Id == 1);
        Assert.Equal(3, consumed.Tries);
        Assert.Equal(Start + TimeSpan.FromSeconds(3), consumed.At);
        Assert.Single(mailer.Sent);
    }

    [Fact]
    public async Task AConsumerThatAlwaysFailsIsDeadLetteredAfterItsAttempts()
    {
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp()
            .AddSingleton<IMailer>(new FakeMailer())
            .AddSingleton<IPaymentGateway, DecliningGateway>());
        var payments = harness.GetChannel<IPaymentChannel>();

        await payments.ProduceAsync(new Payment(9, 25m));
        // Three attempts (MaxAttempts = 3), retried after 1 s and 2 s: a minute of harness time is plenty, and takes none.
        await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(1));

        var dead = await harness.DeadLettered(payments, m => m.Data.Id == 9);
        Assert.Equal(3, dead.Tries);
        Assert.Equal("System.InvalidOperationException: Card declined for payment 9", dead.Error);
        Assert.Equal(Start + TimeSpan.FromSeconds(3), dead.At);
        var failures = harness.Seen(payments).Where(m => m.Kind == HarnessEventKind.Failed).ToList();
        Assert.Equal([1, 2, 3], failures.Select(m => m.Tries));
        Assert.Equal([false, false, true], failures.Select(m => m.WasDeadLettered));
        // The broker's own dead-letter queue agrees.
        var letter = Assert.Single(await payments.DeadLetters.ListAsync());
        Assert.Equal(dead.Id, letter.Id);
    }

    [Fact]
    public async Task ARetryTheConsumerAsksForIsDeliveredAfterItsDelay()
    {
        var gateway = new RecordingGateway();
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp()
            .AddSingleton<IMailer>(new FakeMailer())
            .AddSingleton<IPaymentGateway>(gateway));
        var payments = harness.GetChannel<IPaymentChannel>();

        await payments.ProduceAsync(new Payment(1, 5000m));
        await harness.WhenIdleAsync();
        var requested = Assert.Single(harness.Seen(payments), m => m.Kind == HarnessEventKind.RetryRequested);
        Assert.Equal(TimeSpan.FromMinutes(1), requested.Delay);
        Assert.Empty(gateway.Charged);

        await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(1));

        var consumed = await harness.Consumed(payments);
        Assert.Equal(2, consumed.Tries);
        Assert.Single(gateway.Charged);
    }
}

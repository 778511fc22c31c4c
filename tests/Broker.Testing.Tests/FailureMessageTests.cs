using Broker.Testing.Tests.App;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Testing.Tests;

/// <summary>A wait that times out says what it waited for and lists what was seen, so the failing test explains itself.</summary>
public sealed class FailureMessageTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task ATimeoutListsWhatWasSeenOnTheChannel()
    {
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(new FakeMailer { FailuresBeforeSuccess = 1 }));
        await harness.GetChannel<IRegistrationChannel>().ProduceAsync(new User(1, "ada"));
        await harness.Failed<IRegistrationChannel, User>();

        var error = await Assert.ThrowsAsync<BrokerHarnessException>(() => harness.Consumed<IRegistrationChannel, User>(m => m.Data.Id == 99, Short));

        var expected = """
            Timed out after 200ms waiting for a message consumed on channel 'users/registered' (IRegistrationChannel) matching m => m.Data.Id == 99.
            Seen on 'users/registered' (2, harness clock at 2025-01-01T00:00:00.0000000+00:00):
              00:00:00.000 produced #1: User { Id = 1, Username = ada }
              00:00:00.000 failed #1 (delivery 1): User { Id = 1, Username = ada } (will be retried): System.InvalidOperationException: SMTP server unavailable
            The broker holds on 'users/registered': 0 ready, 1 delayed or waiting for a retry, 0 being handled, 0 dead-lettered; 1 subscription(s).
            The harness clock stands still until the test moves it: await harness.AdvanceTimeAsync(...) lets delays and retry backoffs elapse.
            """;
        Assert.Equal(expected.ReplaceLineEndings(), error.Message.ReplaceLineEndings());
    }

    [Fact]
    public async Task ATimeoutOnAChannelNobodyConsumesSaysSo()
    {
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(new FakeMailer()));
        await harness.GetChannel<IRegistrationChannel>().ProduceAsync(new User(1, "ada"));
        await harness.Consumed<IRegistrationChannel, User>();

        // The welcome channel has a producer (the mailer) but no consumer in this app.
        var error = await Assert.ThrowsAsync<BrokerHarnessException>(() => harness.Consumed<IWelcomeChannel, Welcome>(timeout: Short));

        Assert.Contains("waiting for a message consumed on channel 'users/welcomed' (IWelcomeChannel).", error.Message);
        Assert.Contains("produced #1: Welcome { UserId = 1, Text = Welcome, ada! }", error.Message);
        Assert.Contains("Nothing consumes 'users/welcomed': register its consumer with services.AddConsumer<TChannel, TConsumer>().", error.Message);
        Assert.Contains("Seen on other channels: 'users/registered' (2).", error.Message);
    }

    [Fact]
    public async Task ATimeoutOnAnUntouchedChannelSaysNothingWasSeen()
    {
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(new FakeMailer()));

        var error = await Assert.ThrowsAsync<BrokerHarnessException>(() => harness.DeadLettered<IPaymentChannel, Payment>(timeout: Short));

        Assert.StartsWith("Timed out after 200ms waiting for a message dead-lettered on channel 'payments/requested' (IPaymentChannel).", error.Message);
        Assert.Contains("Nothing was seen on 'payments/requested'", error.Message);
    }

    [Fact]
    public async Task AHandlerThatNeverFinishesIsNamedWhenWaitingForIdle()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(new GatedMailer(gate.Task)));
        await harness.GetChannel<IRegistrationChannel>().ProduceAsync(new User(1, "ada"));

        var error = await Assert.ThrowsAsync<BrokerHarnessException>(() => harness.AdvanceTimeAsync(TimeSpan.FromSeconds(1), Short));

        Assert.StartsWith("AdvanceTimeAsync(00:00:01): handlers were still running after 200ms: 1 message(s) of 'users/registered'.", error.Message);
        gate.SetResult();
        await harness.Consumed<IRegistrationChannel, User>();
    }

    [Fact]
    public async Task APredicateThatThrowsFailsTheWaitWithItsException()
    {
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(new FakeMailer()));
        await harness.GetChannel<IRegistrationChannel>().ProduceAsync(new User(1, "ada"));

        await Assert.ThrowsAsync<FormatException>(() => harness.Produced<IRegistrationChannel, User>(m => int.Parse(m.Data.Username) == 1));
    }

    private sealed class GatedMailer(Task gate) : IMailer
    {
        public Task SendAsync(string recipient, string text, CancellationToken cancellationToken) => gate.WaitAsync(cancellationToken);
    }
}

using Broker.Testing.Tests.App;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Testing.Tests;

/// <summary>Delays and deduplication windows elapse when the test advances the harness clock, not before.</summary>
public sealed class TimeTests
{
    [Fact]
    public async Task ADelayedMessageIsDeliveredOnceTheClockReachesIt()
    {
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(new FakeMailer()));
        var registrations = harness.GetChannel<IRegistrationChannel>();
        var start = harness.Clock.GetUtcNow();

        await registrations.ProduceAsync(new User(1, "ada"), new ProduceOptions { Delay = TimeSpan.FromMinutes(10) });
        await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(9));
        Assert.DoesNotContain(harness.Seen(registrations), m => m.Kind == HarnessEventKind.Consumed);

        await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(1));

        var consumed = await harness.Consumed(registrations);
        Assert.Equal(start + TimeSpan.FromMinutes(10), consumed.At);
    }

    [Fact]
    public async Task ExactlyOnceDropsARepeatWithinTheWindowAndAcceptsItAfter()
    {
        var mailer = new FakeMailer();
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(mailer));
        var registrations = harness.GetChannel<IRegistrationChannel>();

        var first = await registrations.ProduceAsync(new User(1, "ada"));
        await harness.AdvanceTimeAsync(TimeSpan.FromSeconds(59));
        var repeat = await registrations.ProduceAsync(new User(1, "ada"));
        Assert.True(repeat.IsDuplicate);
        Assert.Equal(first.MessageId, repeat.MessageId);
        var seenDuplicate = await harness.Produced(registrations, m => m.IsDuplicate);
        Assert.Equal(first.MessageId, seenDuplicate.Id);

        // The channel's window is one minute ([Channel(Dedup = "1m")]), counted from the first message.
        await harness.AdvanceTimeAsync(TimeSpan.FromSeconds(1));
        var after = await registrations.ProduceAsync(new User(1, "ada"));

        Assert.True(after.IsEnqueued);
        await harness.Consumed(registrations, m => m.Id == after.MessageId);
        Assert.Equal(2, mailer.Sent.Count);
    }
}

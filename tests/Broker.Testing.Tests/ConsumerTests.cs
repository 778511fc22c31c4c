using Broker.Testing.Tests.App;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Testing.Tests;

/// <summary>A user's consumer tested in a few lines: the app's own registrations, a fake for its mail gateway, one await.</summary>
public sealed class ConsumerTests
{
    [Fact]
    public async Task ARegisteredUserIsWelcomed()
    {
        var mailer = new FakeMailer();
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(mailer));

        await harness.GetChannel<IRegistrationChannel>().ProduceAsync(new User(42, "ada"));

        var consumed = await harness.Consumed<IRegistrationChannel, User>(m => m.Data.Id == 42);
        Assert.Equal(1, consumed.Tries);
        Assert.Equal(("ada", "Welcome, ada!"), Assert.Single(mailer.Sent));
        // What the consumer produced in turn, decoded as the channel's message type.
        var welcome = await harness.Produced<IWelcomeChannel, Welcome>(m => m.Data.UserId == 42);
        Assert.Equal("Welcome, ada!", welcome.Data.Text);
    }

    [Fact]
    public async Task TheChannelItselfNamesWhatToAwait()
    {
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(new FakeMailer()));
        var registrations = harness.GetChannel<IRegistrationChannel>();

        var produced = await registrations.ProduceAsync(new User(7, "grace"), new ProduceOptions { Headers = new Dictionary<string, string> { ["tenant"] = "eu" } });

        // The message type is inferred from the channel.
        var consumed = await harness.Consumed(registrations, m => m.Id == produced.MessageId);
        Assert.Equal(new User(7, "grace"), consumed.Data);
        Assert.Equal("eu", consumed.Headers["tenant"]);
        Assert.Equal(HarnessEventKind.Consumed, consumed.Kind);
        Assert.Equal("users/registered", consumed.Channel);
    }

    [Fact]
    public async Task SeenListsEveryEventOfTheChannelInOrder()
    {
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(new FakeMailer()));
        var registrations = harness.GetChannel<IRegistrationChannel>();

        await registrations.ProduceAsync(new User(1, "ada"));
        await registrations.ProduceAsync(new User(2, "grace"));
        await harness.Consumed(registrations, m => m.Data.Id == 2);
        await harness.WhenIdleAsync();

        var seen = harness.Seen<IRegistrationChannel, User>().Select(m => (m.Kind, m.Data.Id)).ToList();
        Assert.Equal(4, seen.Count);
        // Each message is listed as produced before it is listed as consumed, however fast its consumer was.
        foreach (var id in new[] { 1, 2 })
            Assert.True(seen.IndexOf((HarnessEventKind.Produced, id)) < seen.IndexOf((HarnessEventKind.Consumed, id)), string.Join(", ", seen));
    }
}

using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Hosting.Tests;

public sealed class AddBrokerTests
{
    [Fact]
    public void WithoutAnAdapterAddBrokerSaysWhichCallsExist()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddBroker(_ => { }));
        Assert.Contains("UseInMemory()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChoosingTwoAdaptersIsAnError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddBroker(b => b.UseInMemory().UseInMemory()));
        Assert.Contains("already configured to use InMemory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddingBrokerTwiceIsAnError()
    {
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseInMemory());
        Assert.Throws<InvalidOperationException>(() => services.AddBroker(b => b.UseInMemory()));
    }

    [Fact]
    public async Task AddChannelsMakesEveryChannelInjectableAsASingletonOverTheOneTransport()
    {
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseInMemory()).AddChannels();
        await using var provider = services.BuildServiceProvider();

        var signups = provider.GetRequiredService<ISignupChannel>();
        Assert.Same(signups, provider.GetRequiredService<ISignupChannel>());
        Assert.Equal("hosting/signups", signups.Definition.Name);
        Assert.Equal(typeof(Signup), signups.MessageType);
        Assert.Equal(["hosting/invoices", "hosting/signups"], provider.GetServices<IQueueChannel>().Select(c => c.Definition.Name).Order());
        Assert.Single(provider.GetServices<IQueueTransport>());
    }

    [Fact]
    public void InvalidConsumeOptionsAreRejectedAtRegistration()
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => services.AddConsumer<ISignupChannel, GatedConsumer>(o => o.MaxParallel = 0));
        Assert.Contains("MaxParallel of a subscription to channel 'hosting/signups' is 0; it must be at least 1.", error.Message, StringComparison.Ordinal);
    }
}

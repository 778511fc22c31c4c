using Broker.Testing.Tests.App;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Broker.Testing.Tests;

/// <summary>The harness inside an application's own host, as WebApplicationFactory.ConfigureTestServices would add it.</summary>
public sealed class HostTests
{
    [Fact]
    public async Task AddBrokerTestHarnessReplacesTheAppsBrokerAndClockInItsOwnHost()
    {
        // The app's own builder; without its defaults (appsettings, console logging) only to keep the test quick and quiet.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddShopApp().AddSingleton<IMailer>(new FakeMailer());
        builder.Services.AddBrokerTestHarness(o => o.DefaultTimeout = TimeSpan.FromSeconds(20));
        using var host = builder.Build();
        await host.StartAsync();
        var harness = host.Services.GetRequiredService<BrokerTestHarness>();

        await harness.GetChannel<IRegistrationChannel>().ProduceAsync(new User(1, "ada"));
        await harness.Consumed<IRegistrationChannel, User>();

        Assert.Equal(TimeSpan.FromSeconds(20), harness.DefaultTimeout);
        Assert.Same(harness.Clock, host.Services.GetRequiredService<TimeProvider>());
        Assert.Same(harness.Clock, host.Services.GetRequiredService<IQueueTransport>().TimeProvider);
        // The app chose UseEmbedded(directory); the harness's in-memory broker took its place and never opened it.
        Assert.False(Directory.Exists(AppServices.BrokerDirectory));
        await host.StopAsync();
    }

    [Fact]
    public void AddBrokerTestHarnessBeforeAddBrokerIsExplained()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddBrokerTestHarness());

        Assert.Contains("no AddBroker call was found", error.Message);
    }

    [Fact]
    public async Task AChannelThatIsNotRegisteredIsExplained()
    {
#pragma warning disable BRK0019 // The mistake under test: AddBroker without AddChannels().
        await using var harness = await BrokerTestHarness.StartAsync(services => services.AddBroker(b => b.UseInMemory()));
#pragma warning restore BRK0019

        var error = Assert.Throws<InvalidOperationException>(() => harness.GetChannel<IRegistrationChannel>());

        Assert.Contains("Call AddChannels()", error.Message);
    }
}

using Broker.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Broker.Hosting.Tests.Configuration.ConfiguredHost;

namespace Broker.Hosting.Tests.Configuration;

public sealed class ConsumerConfigurationTests
{
    [Fact]
    public async Task MaxParallelFromConfigurationIsHowManyMessagesTheConsumerHandlesAtOnce()
    {
        var probe = new ParallelProbe();
        using var host = Build(
            [Setting("Broker:Consumers:hosting/signups:MaxParallel", "3")],
            b => b.UseInMemory(),
            services => services.AddSingleton(probe).AddConsumer<ISignupChannel, ProbedSignupConsumer>());

        await ProduceSignupsAndObserve(host, probe, produced: 7, expectedAtOnce: 3);
    }

    [Fact]
    public async Task TheAddConsumerLambdaWinsOverConfiguration()
    {
        var probe = new ParallelProbe();
        using var host = Build(
            [Setting("Broker:Consumers:hosting/signups:MaxParallel", "5")],
            b => b.UseInMemory(),
            services => services.AddSingleton(probe).AddConsumer<ISignupChannel, ProbedSignupConsumer>(o => o.MaxParallel = 2));

        await ProduceSignupsAndObserve(host, probe, produced: 6, expectedAtOnce: 2);
    }

    [Fact]
    public async Task EnvironmentVariablesConfigureAConsumerByTheChannelsEnvironmentSpelling()
    {
        // A variable name cannot hold '/' in most shells, so hosting/signups is also read as hosting_signups; the double
        // underscore is .NET's section separator. A unique prefix keeps this test's variables to itself.
        var prefix = "BROKER_TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(prefix + "Broker__Consumers__hosting_signups__MaxParallel", "4");
        try
        {
            var probe = new ParallelProbe();
            using var host = Build(
                [Setting("Broker:Consumers:hosting/signups:MaxParallel", "1")],
                b => b.UseInMemory(),
                services => services.AddSingleton(probe).AddConsumer<ISignupChannel, ProbedSignupConsumer>(),
                sources => sources.AddEnvironmentVariables(prefix));

            // The environment spelling is read after the channel's own name, so the variable overrides the file's 1.
            await ProduceSignupsAndObserve(host, probe, produced: 6, expectedAtOnce: 4);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Broker__Consumers__hosting_signups__MaxParallel", null);
        }
    }

    [Fact]
    public async Task TheCommandLineConfiguresAConsumer()
    {
        var probe = new ParallelProbe();
        using var host = Build(
            [],
            b => b.UseInMemory(),
            services => services.AddSingleton(probe).AddConsumer<ISignupChannel, ProbedSignupConsumer>(),
            sources => sources.AddCommandLine(["--Broker:Consumers:hosting/signups:MaxParallel=2", "--Broker:Consumers:hosting/signups:LeaseDuration=1m"]));

        await ProduceSignupsAndObserve(host, probe, produced: 4, expectedAtOnce: 2);
    }

    [Fact]
    public async Task BothSettingsFromConfigurationReachTheSubscriptionEachConsumerOpens()
    {
        using var host = Build(
            [
                Setting("Broker:Consumers:hosting/signups:MaxParallel", "6"),
                Setting("Broker:Consumers:hosting/signups:LeaseDuration", "45s"),
                Setting("Broker:Consumers:hosting/invoices:LeaseDuration", "00:02:00"),
            ],
            b => b.UseInMemory(),
            services =>
            {
                RecordingTransport.Install(services);
                services.AddSingleton(new ParallelProbe()).AddConsumer<ISignupChannel, ProbedSignupConsumer>();
                services.AddConsumer<IInvoiceChannel, InvoiceConsumer>(o => o.MaxParallel = 3);
            });

        await host.StartAsync();
        var transport = host.Services.GetRequiredService<RecordingTransport>();

        Assert.Equal(
            [("hosting/invoices", new SubscriptionSettings(3, TimeSpan.FromMinutes(2))), ("hosting/signups", new SubscriptionSettings(6, TimeSpan.FromSeconds(45)))],
            transport.Subscriptions.OrderBy(s => s.Channel, StringComparer.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task WithoutConfigurationAConsumerKeepsItsDefaults()
    {
        var probe = new ParallelProbe();
        using var host = Build(
            [],
            b => b.UseInMemory(),
            services => services.AddSingleton(probe).AddConsumer<ISignupChannel, ProbedSignupConsumer>());

        await ProduceSignupsAndObserve(host, probe, produced: 3, expectedAtOnce: 1);
    }

    private static async Task ProduceSignupsAndObserve(IHost host, ParallelProbe probe, int produced, int expectedAtOnce)
    {
        await host.StartAsync();
        var channel = host.Services.GetRequiredService<ISignupChannel>();
        for (var i = 0; i < produced; i++)
            await channel.ProduceAsync(new Signup(i, $"u{i}@example.com"));

        Assert.Equal(expectedAtOnce, await probe.RunningAfterAsync(expectedAtOnce));
        probe.Release();
        await WaitUntil(() => probe.Finished.Count == produced);
        Assert.Equal(expectedAtOnce, probe.MostAtOnce);
        await host.StopAsync();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestHost.Generous;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the consumer.");
            await Task.Delay(10);
        }
    }
}

using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.Tests;

/// <summary>
/// <c>AddHealthChecks().AddBroker()</c>: one registration whatever the adapter, the transport resolved when the check
/// runs, its health mapped onto the registration, and a transport that cannot be created reported rather than thrown.
/// </summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task TheInMemoryBrokerIsHealthyUntilItIsDisposed()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBroker(b => b.UseInMemory());
        services.AddHealthChecks().AddBroker();
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        var entry = report.Entries["broker"];
        Assert.Equal("InMemory", entry.Data["adapter"]);
        Assert.Contains("in-memory broker is running", entry.Description, StringComparison.Ordinal);

        await provider.GetRequiredService<IQueueTransport>().DisposeAsync();
        var disposed = (await health.CheckHealthAsync()).Entries["broker"];

        Assert.Equal(HealthStatus.Unhealthy, disposed.Status);
        Assert.Contains("disposed", disposed.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TransportHealthStatus.Healthy, HealthStatus.Healthy)]
    [InlineData(TransportHealthStatus.Degraded, HealthStatus.Degraded)]
    [InlineData(TransportHealthStatus.Unhealthy, HealthStatus.Degraded)]
    public async Task UnhealthyBecomesTheRegistrationsFailureStatusAndTheRestStays(TransportHealthStatus reported, HealthStatus expected)
    {
        var cause = new IOException("the cause");
        var facts = new Dictionary<string, object> { ["address"] = "10.0.0.1:8811" };
        var result = reported switch
        {
            TransportHealthStatus.Healthy => TransportHealth.Healthy("all good", facts),
            TransportHealthStatus.Degraded => TransportHealth.Degraded("nearly full", cause, facts),
            _ => TransportHealth.Unhealthy("broken: do this", cause, facts),
        };
        await using var provider = Provider(new ScriptedTransport(_ => Task.FromResult(result)), h => h.AddBroker("queue", HealthStatus.Degraded, ["ready"]));

        var entry = (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["queue"];

        Assert.Equal(expected, entry.Status);
        Assert.Equal(result.Description, entry.Description);
        Assert.Same(result.Exception, entry.Exception);
        Assert.Equal("10.0.0.1:8811", entry.Data["address"]);
        Assert.Equal("Scripted", entry.Data["adapter"]);
        Assert.Equal(["ready"], entry.Tags);
    }

    [Fact]
    public async Task ATransportThatCannotBeCreatedIsUnhealthyAndTheNextCheckCreatesItAgain()
    {
        var attempts = 0;
        var services = new ServiceCollection().AddLogging();
        services.AddBroker(b => b.UseTransport("Scripted", _ =>
            ++attempts == 1
                ? throw new IOException("The broker data directory '/data' is in use by process 42.")
                : new ScriptedTransport(_ => Task.FromResult(TransportHealth.Healthy("fine")))));
        services.AddHealthChecks().AddBroker();
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        var refused = (await health.CheckHealthAsync()).Entries["broker"];
        var later = (await health.CheckHealthAsync()).Entries["broker"];

        Assert.Equal(HealthStatus.Unhealthy, refused.Status);
        Assert.Contains("could not be opened: The broker data directory '/data' is in use by process 42.", refused.Description, StringComparison.Ordinal);
        Assert.IsType<IOException>(refused.Exception);
        // The container keeps no failed singleton: the second check ran the factory again.
        Assert.Equal(HealthStatus.Healthy, later.Status);
        Assert.Equal(2, attempts);
        Assert.Same(provider.GetRequiredService<IQueueTransport>(), provider.GetRequiredService<IQueueTransport>());
    }

    [Fact]
    public async Task ATransportStillOpeningWhenTheTimeoutRunsOutIsReportedAsStillOpening()
    {
        using var opened = new ManualResetEventSlim();
        var services = new ServiceCollection().AddLogging();
        services.AddBroker(b => b.UseTransport("Slow", _ =>
        {
            opened.Wait(TestHost.Generous);
            return new ScriptedTransport(_ => Task.FromResult(TransportHealth.Healthy("fine")));
        }));
        services.AddHealthChecks().AddBroker(timeout: TimeSpan.FromMilliseconds(200));
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        var opening = (await health.CheckHealthAsync().WaitAsync(TestHost.Generous)).Entries["broker"];
        opened.Set();
        await WaitUntilHealthyAsync(health);

        Assert.Equal(HealthStatus.Unhealthy, opening.Status);
        Assert.Contains("still opening", opening.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACheckThatDoesNotAnswerInTimeIsTheFailureStatus()
    {
        await using var provider = Provider(
            new ScriptedTransport(async ct =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return TransportHealth.Healthy("never");
            }),
            h => h.AddBroker(timeout: TimeSpan.FromMilliseconds(200)));

        var entry = (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(TestHost.Generous)).Entries["broker"];

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("in time", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutBrokerTheCheckSaysHowToAddIt()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks().AddBroker();
        await using var provider = services.BuildServiceProvider();

        var entry = (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["broker"];

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("services.AddBroker(b => b.UseInMemory())", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRegistrationHasItsDefaultsAndRefusesNonsense()
    {
        var services = new ServiceCollection();
        services.AddHealthChecks().AddBroker().AddBroker("other", tags: ["live"], timeout: Timeout.InfiniteTimeSpan);
        var registrations = services.BuildServiceProvider().GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        var broker = registrations.Single(r => r.Name == "broker");
        Assert.Equal(HealthStatus.Unhealthy, broker.FailureStatus);
        Assert.Equal(TimeSpan.FromSeconds(5), broker.Timeout);
        Assert.Empty(broker.Tags);
        Assert.Equal(["live"], registrations.Single(r => r.Name == "other").Tags);
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddHealthChecks().AddBroker(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddHealthChecks().AddBroker(timeout: TimeSpan.Zero));
    }

    private static ServiceProvider Provider(ScriptedTransport transport, Action<IHealthChecksBuilder> register)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBroker(b => b.UseTransport("Scripted", _ => transport));
        register(services.AddHealthChecks());
        return services.BuildServiceProvider();
    }

    private static async Task WaitUntilHealthyAsync(HealthCheckService health)
    {
        var deadline = DateTime.UtcNow + TestHost.Generous;
        while ((await health.CheckHealthAsync()).Status != HealthStatus.Healthy)
        {
            Assert.True(DateTime.UtcNow < deadline, "The broker never turned healthy.");
            await Task.Delay(20);
        }
    }

    /// <summary>A transport whose health the test decides; it carries no channels.</summary>
    private sealed class ScriptedTransport(Func<CancellationToken, Task<TransportHealth>> health) : IQueueTransport
    {
        public TimeProvider TimeProvider => TimeProvider.System;

        public ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The health tests open no channel.");

        public async ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) => await health(cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

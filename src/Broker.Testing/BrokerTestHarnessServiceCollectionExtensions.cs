using Broker;
using Broker.Testing;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the Broker test harness into an application's own service collection.</summary>
public static class BrokerTestHarnessServiceCollectionExtensions
{
    /// <summary>
    /// Replaces the broker the application configured (<c>UseEmbedded</c>, <c>UseServer</c>, <c>UseNats</c> or
    /// <c>UseInMemory</c>) with the harness's in-memory broker, and the registered <see cref="TimeProvider"/> with the
    /// harness clock, then registers <see cref="BrokerTestHarness"/>. The application's channels and hosted consumers stay
    /// as they are. Call it after the application's own registrations, for example in
    /// <c>WebApplicationFactory.ConfigureTestServices</c>, and get the harness with
    /// <c>host.Services.GetRequiredService&lt;BrokerTestHarness&gt;()</c>.
    /// </summary>
    /// <param name="services">The application's services, with <c>AddBroker(...)</c> already called.</param>
    /// <param name="configure">Adjusts the harness; null for the defaults.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="InvalidOperationException"><c>AddBroker</c> was not called yet, or the harness was already added.</exception>
    public static IServiceCollection AddBrokerTestHarness(this IServiceCollection services, Action<BrokerTestHarnessOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new BrokerTestHarnessOptions();
        configure?.Invoke(options);
        return services.AddBrokerTestHarness(options);
    }

    internal static IServiceCollection AddBrokerTestHarness(this IServiceCollection services, BrokerTestHarnessOptions options)
    {
        options.Validate();
        // Registrations are replaced, not added to: the app's AddBroker must already be there, or it would win afterwards.
        if (!services.Any(d => d.ServiceType == typeof(BrokerBuilder)))
            throw new InvalidOperationException(
                "AddBrokerTestHarness() replaces the broker of an application that calls AddBroker(...).AddChannels(); no AddBroker call was found. " +
                "Call it after the application's registrations, or register the channels first: services.AddBroker(b => b.UseInMemory()).AddChannels().");
        if (services.Any(d => d.ServiceType == typeof(HarnessBroker)))
            throw new InvalidOperationException("AddBrokerTestHarness() was already called on this service collection.");

        var clock = new BrokerTestClock(options.StartTime);
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(clock);
        services.AddSingleton(sp => new HarnessBroker(options, clock, sp.GetService<ILoggerFactory>()));
        services.RemoveAll<IQueueTransport>();
        services.AddSingleton<IQueueTransport>(sp => sp.GetRequiredService<HarnessBroker>().Transport);
        services.AddSingleton(sp => new BrokerTestHarness(sp, sp.GetRequiredService<HarnessBroker>(), ownedHost: null));
        return services;
    }
}

using System.Diagnostics.CodeAnalysis;
using Broker;
using Broker.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Broker and its consumers in a service collection.</summary>
public static class BrokerServiceCollectionExtensions
{
    /// <summary>
    /// Adds Broker. Choose the adapter inside <paramref name="configure"/> (<c>UseInMemory()</c>,
    /// <c>UseEmbedded(path)</c>, ...), then call the generated <c>AddChannels()</c> on the result to make every
    /// <c>[Channel]</c> interface injectable.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Chooses the adapter.</param>
    /// <returns>The builder, for <c>AddChannels()</c>.</returns>
    /// <exception cref="InvalidOperationException">Broker was already added, or no adapter was chosen.</exception>
    public static BrokerBuilder AddBroker(this IServiceCollection services, Action<BrokerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(BrokerBuilder)))
            throw new InvalidOperationException("AddBroker was already called on this service collection; call it once and choose one adapter.");

        var builder = new BrokerBuilder(services);
        configure(builder);
        if (builder.TransportName is null)
            throw new InvalidOperationException(
                "AddBroker needs an adapter: call UseInMemory(), UseEmbedded(path), UseServer(address) or UseNats(...) on the builder, " +
                "for example services.AddBroker(b => b.UseInMemory()).");
        services.AddSingleton(builder);
        services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Runs <typeparamref name="TConsumer"/> as a hosted service that consumes <typeparamref name="TChannel"/>. Each
    /// message gets its own dependency-injection scope, in which the consumer is resolved (it is registered scoped
    /// unless already registered). On shutdown the subscription stops taking messages, lets running handlers finish
    /// within the host's shutdown timeout, and hands the rest back for redelivery.
    /// </summary>
    /// <typeparam name="TChannel">The channel interface.</typeparam>
    /// <typeparam name="TConsumer">The consumer; it must implement <see cref="IConsumer{T}"/> for the channel's message type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="ConsumeOptions"/> such as <see cref="ConsumeOptions.MaxParallel"/>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddConsumer<TChannel, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TConsumer>(this IServiceCollection services, Action<ConsumeOptions>? configure = null)
        where TChannel : class, IQueueChannel
        where TConsumer : class
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ConsumeOptions();
        configure?.Invoke(options);
        // Checked at registration, so a bad value fails at start-up, not when the host starts consuming.
        options.Validate(System.Reflection.CustomAttributeExtensions.GetCustomAttribute<ChannelAttribute>(typeof(TChannel))?.Name ?? typeof(TChannel).Name);

        services.TryAddScoped<TConsumer>();
        services.AddSingleton<IHostedService>(sp => new ConsumerHostedService<TChannel, TConsumer>(
            // Said in Broker's words: dependency injection's own error does not say where channels come from (BRK0019).
            sp.GetService<TChannel>() ?? throw new InvalidOperationException(
                $"{typeof(TChannel).Name} is not registered, so {typeof(TConsumer).Name} cannot consume it: channels are registered by " +
                "the generated AddChannels() on the builder AddBroker returns, as in services.AddBroker(b => b.UseInMemory()).AddChannels()."),
            sp.GetRequiredService<IServiceScopeFactory>(),
            options,
            sp.GetService<ILoggerFactory>()?.CreateLogger("Broker.Hosting.Consumer") ?? Logging.Abstractions.NullLogger.Instance));
        return services;
    }
}

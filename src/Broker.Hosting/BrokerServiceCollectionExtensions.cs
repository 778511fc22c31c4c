using System.Diagnostics.CodeAnalysis;
using Broker;
using Broker.Hosting;
using Broker.Settings;
using Microsoft.Extensions.Configuration;
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
        return Add(new BrokerBuilder(services), configure);
    }

    /// <summary>
    /// Adds Broker with its settings in <paramref name="configuration"/>, Broker's section of the application's
    /// configuration (<c>builder.Configuration.GetSection("Broker")</c>: <c>appsettings.json</c>, environment variables
    /// such as <c>Broker__Embedded__Path</c>, the command line). The adapter is chosen in <paramref name="configure"/>
    /// as with <see cref="AddBroker(IServiceCollection, Action{BrokerBuilder})"/>, and reads its own section
    /// (<c>UseEmbedded()</c> reads <c>Embedded</c>, <c>UseServer()</c> <c>Server</c>, ...); consumers read
    /// <c>Consumers:&lt;channel&gt;</c>. Settings given in code win over configuration. The section is read and checked
    /// when the host starts: a bad value, or a key Broker does not know, stops the start with an
    /// <see cref="Options.OptionsValidationException"/> naming the key. docs/configuration.md lists every key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">Broker's configuration section.</param>
    /// <param name="configure">Chooses the adapter, for example <c>b => b.UseEmbedded()</c>.</param>
    /// <returns>The builder, for <c>AddChannels()</c>.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="configuration"/> is a whole configuration that has a <c>Broker</c> section: pass that section.
    /// </exception>
    /// <exception cref="InvalidOperationException">Broker was already added, or no adapter was chosen.</exception>
    public static BrokerBuilder AddBroker(this IServiceCollection services, IConfiguration configuration, Action<BrokerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        // The likely slip, AddBroker(builder.Configuration, ...): every key would be looked for one level too high and
        // the application's other sections (Logging, ...) reported as unknown to Broker.
        if (configuration is not IConfigurationSection && configuration.GetSection("Broker").Exists())
            throw new ArgumentException("AddBroker was given the whole configuration; pass Broker's section: AddBroker(configuration.GetSection(\"Broker\"), ...).", nameof(configuration));
        var builder = Add(new BrokerBuilder(services) { Configuration = configuration }, configure);
        BrokerSectionCheck.Register(builder);
        return builder;
    }

    private static BrokerBuilder Add(BrokerBuilder builder, Action<BrokerBuilder> configure)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(BrokerBuilder)))
            throw new InvalidOperationException("AddBroker was already called on this service collection; call it once and choose one adapter.");

        configure(builder);
        if (builder.TransportName is null)
            throw new InvalidOperationException(
                "AddBroker needs an adapter: call UseInMemory(), UseEmbedded(path), UseServer(address) or UseNats(...) on the builder, " +
                "for example services.AddBroker(b => b.UseInMemory()).");
        services.AddSingleton(builder);
        services.TryAddSingleton(TimeProvider.System);
        UnregisteredChannels.Register(builder);
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
    /// <param name="configure">
    /// Sets <see cref="ConsumeOptions"/> such as <see cref="ConsumeOptions.MaxParallel"/>. It wins over configuration
    /// (<c>Broker:Consumers:&lt;channel&gt;</c> when Broker was added with <c>AddBroker(configuration, ...)</c>): it is
    /// called here, to check its values at once, and again when the host starts, after configuration was read.
    /// </param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value set by <paramref name="configure"/> is out of range.</exception>
    public static IServiceCollection AddConsumer<TChannel, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TConsumer>(this IServiceCollection services, Action<ConsumeOptions>? configure = null)
        where TChannel : class, IQueueChannel
        where TConsumer : class
    {
        ArgumentNullException.ThrowIfNull(services);
        var channel = ChannelNames.Of(typeof(TChannel));
        var codeOptions = new ConsumeOptions();
        configure?.Invoke(codeOptions);
        // Checked at registration, so a bad value in code fails at start-up, not when the host starts consuming.
        codeOptions.Validate(channel);

        var options = ConfiguredOptions.Add<ConsumeOptions>(
            services,
            $"Broker:Consumers:{channel}:{typeof(TConsumer).FullName}#{Interlocked.Increment(ref s_registrations)}",
            sp => ConsumerSettings.Sections(sp.GetService<BrokerBuilder>()?.Configuration, channel, ChannelNames.Of(sp.GetService<BrokerBuilder>(), sp)),
            static (section, consumeOptions, _) => ConsumerSettings.Read(section, consumeOptions),
            configure,
            consumeOptions => ConsumerSettings.Validate(consumeOptions, channel));
        services.AddSingleton(new ConsumerRegistration(channel, typeof(TConsumer)));
        services.TryAddScoped<TConsumer>();
        services.AddSingleton<IHostedService>(sp => new ConsumerHostedService<TChannel, TConsumer>(
            sp,
            options,
            sp.GetService<ILoggerFactory>()?.CreateLogger("Broker.Hosting.Consumer") ?? Logging.Abstractions.NullLogger.Instance));
        return services;
    }

    // Names each AddConsumer call's options apart: two consumers of one channel have settings of their own in code.
    private static int s_registrations;
}

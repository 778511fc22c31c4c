using Broker;
using Broker.Nats;
using Broker.Settings;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses NATS JetStream as Broker's adapter.</summary>
public static class NatsBrokerBuilderExtensions
{
    /// <summary>
    /// Carries every channel on NATS JetStream: a stream per channel (file storage, work-queue retention), a durable
    /// pull consumer per priority shared by all workers, dead letters in a stream of their own. Channel code does not
    /// change; see docs/nats.md for what differs from the embedded broker.
    /// </summary>
    /// <param name="builder">The Broker builder.</param>
    /// <param name="options">
    /// Server URL, stream prefix, replicas, ack wait and limits, as given: configuration (<c>Broker:Nats</c>) is not
    /// read by this overload; <see cref="UseNats(BrokerBuilder, Action{NatsTransportOptions})"/> reads it.
    /// </param>
    /// <returns>The builder.</returns>
    public static BrokerBuilder UseNats(this BrokerBuilder builder, NatsTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return builder.UseTransport("NATS", sp => new NatsQueueTransport(options, sp.GetService<ILoggerFactory>()));
    }

    /// <summary>
    /// As <see cref="UseNats(BrokerBuilder, NatsTransportOptions)"/>, with the settings from configuration
    /// (<c>Broker:Nats</c>, when Broker was added with <c>AddBroker(configuration, ...)</c>; see docs/configuration.md)
    /// and then from <paramref name="configure"/>, which wins.
    /// </summary>
    /// <param name="builder">The Broker builder.</param>
    /// <param name="configure">Sets the options after configuration was applied; the defaults connect to nats://127.0.0.1:4222.</param>
    /// <returns>The builder.</returns>
    public static BrokerBuilder UseNats(this BrokerBuilder builder, Action<NatsTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = AdapterSettings.Resolve(builder, "Nats", NatsSettings.Read, configure, static o => o.Validate());
        return builder.UseTransport("NATS", sp => new NatsQueueTransport(options(sp), sp.GetService<ILoggerFactory>()));
    }
}

using Broker;
using Broker.Nats;
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
    /// <param name="options">Server URL, stream prefix, replicas, ack wait and limits.</param>
    /// <returns>The builder.</returns>
    public static BrokerBuilder UseNats(this BrokerBuilder builder, NatsTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return builder.UseTransport("NATS", sp => new NatsQueueTransport(options, sp.GetService<ILoggerFactory>()));
    }

    /// <summary>As <see cref="UseNats(BrokerBuilder, NatsTransportOptions)"/>, configuring the options in place.</summary>
    /// <param name="builder">The Broker builder.</param>
    /// <param name="configure">Sets the options; the defaults connect to nats://127.0.0.1:4222.</param>
    /// <returns>The builder.</returns>
    public static BrokerBuilder UseNats(this BrokerBuilder builder, Action<NatsTransportOptions>? configure = null)
    {
        var options = new NatsTransportOptions();
        configure?.Invoke(options);
        return builder.UseNats(options);
    }
}

using Broker;
using Broker.Client;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the broker server as Broker's adapter.</summary>
public static class ServerBrokerBuilderExtensions
{
    /// <summary>
    /// Carries every channel through a broker server (<c>broker-server --data ./data --listen 127.0.0.1:8811</c>), so
    /// producers and workers in separate processes share durable queues. The client connects on first use and
    /// reconnects with backoff; see docs/server.md for what happens to produces, deliveries and subscriptions when a
    /// connection is lost. The clock for lease renewal is the registered <see cref="TimeProvider"/>, if any.
    /// </summary>
    /// <param name="builder">The Broker builder.</param>
    /// <param name="address">The server: <c>host:port</c>, <c>host</c> (port 8811) or <c>[ipv6]:port</c>.</param>
    /// <param name="configure">Credentials, TLS and reconnect settings; null for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The address or an option is invalid.</exception>
    public static BrokerBuilder UseServer(this BrokerBuilder builder, string address, Action<ServerClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var parsed = ServerAddress.Parse(address);
        var options = new ServerClientOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.UseTransport("Server", sp => new ServerQueueTransport(
            parsed,
            options,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
    }
}

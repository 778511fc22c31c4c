using Broker;
using Broker.Client;
using Broker.Settings;
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
    /// <param name="address">
    /// The server: <c>host:port</c>, <c>host</c> (port 8811) or <c>[ipv6]:port</c>, or a shared embedded directory's socket, <c>unix:/path/broker.sock</c>. It wins over
    /// <c>Broker:Server:Address</c> in configuration.
    /// </param>
    /// <param name="configure">Credentials, TLS and reconnect settings, applied after configuration, if any; null for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The address is invalid, or (without configuration) an option is.</exception>
    public static BrokerBuilder UseServer(this BrokerBuilder builder, string address, Action<ServerClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ServerAddress.Parse(address);
        return builder.UseServer(options =>
        {
            options.Address = address;
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// As <see cref="UseServer(BrokerBuilder, string, Action{ServerClientOptions})"/>, with the address and the other
    /// settings from configuration (<c>Broker:Server</c>, when Broker was added with <c>AddBroker(configuration, ...)</c>;
    /// see docs/configuration.md) and then from <paramref name="configure"/>, which wins.
    /// </summary>
    /// <param name="builder">The Broker builder.</param>
    /// <param name="configure">Adjusts the options after configuration was applied; it may set <see cref="ServerClientOptions.Address"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">Without configuration: no address was set, or an option is invalid.</exception>
    public static BrokerBuilder UseServer(this BrokerBuilder builder, Action<ServerClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = AdapterSettings.Resolve(builder, "Server", ServerSettings.Read, configure, static o => o.ValidateWithAddress());
        return builder.UseTransport("Server", sp =>
        {
            var settings = options(sp);
            return new ServerQueueTransport(ServerAddress.Parse(settings.Address!), settings, sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>());
        });
    }
}

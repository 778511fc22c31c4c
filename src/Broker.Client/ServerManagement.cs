using Broker.Management;
using Broker.Transport;

namespace Broker.Client;

/// <summary>
/// Opens the management API of a <c>broker-server</c> for a tool (the <c>broker</c> command line, a script, a test):
/// channels with their counts, peek, dead letters, purge and the server's status, over one connection of its own. An
/// application that already uses <c>UseServer</c> gets the same API from its transport instead
/// (<see cref="IManageableTransport.Management"/>), sharing that connection.
/// </summary>
public static class ServerManagement
{
    /// <summary>
    /// Connects and authenticates to the server at <paramref name="address"/>, once: when that fails (nothing listens,
    /// the credentials or the TLS settings are wrong, no answer within <see cref="ServerClientOptions.ConnectTimeout"/>)
    /// it throws at once, naming the address and what to check, instead of retrying. A connection lost later is opened
    /// again in the background, as for an application's client.
    /// </summary>
    /// <param name="address">The server: <c>host:port</c>, <c>host</c> (port 8811) or <c>[ipv6]:port</c>, or <c>unix:/path/broker.sock</c>; wins over <see cref="ServerClientOptions.Address"/>.</param>
    /// <param name="options">Credentials, TLS and time limits.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The management API; dispose it to close the connection.</returns>
    /// <exception cref="ArgumentException">The address or an option is invalid.</exception>
    /// <exception cref="ServerConnectionException">
    /// The server could not be reached or refused the connection; the message says why. When the server refused the
    /// credentials, <see cref="Exception.InnerException"/> is a <see cref="BrokerServerException"/> with code
    /// <c>AuthenticationFailed</c> or <c>Unauthenticated</c>.
    /// </exception>
    public static async Task<IBrokerManagementConnection> ConnectAsync(string address, ServerClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = ServerAddress.Parse(address, nameof(address));
        var transport = new ServerQueueTransport(server, options);
        try
        {
            // The health check makes one attempt now and reports why it failed, where an operation would keep retrying
            // for ReconnectWait.
            var health = await transport.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (health.Status != TransportHealthStatus.Healthy)
                throw new ServerConnectionException(health.Description, health.Exception);
            return new Connection(transport);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The management API of a transport opened for it alone; disposing it closes the transport.</summary>
    private sealed class Connection(ServerQueueTransport transport) : IBrokerManagementConnection
    {
        private readonly IBrokerManagement _management = transport.Management;

        public ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default) => _management.GetStatusAsync(cancellationToken);

        public ValueTask<ChannelOverview> ListChannelsAsync(CancellationToken cancellationToken = default) => _management.ListChannelsAsync(cancellationToken);

        public ValueTask<ChannelSummary?> GetChannelAsync(string channel, CancellationToken cancellationToken = default) =>
            _management.GetChannelAsync(channel, cancellationToken);

        public ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) =>
            _management.PeekAsync(channel, afterId, limit, cancellationToken);

        public ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) =>
            _management.ListDeadLettersAsync(channel, afterId, limit, cancellationToken);

        public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) =>
            _management.GetDeadLetterAsync(channel, id, cancellationToken);

        public ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) =>
            _management.RedriveDeadLetterAsync(channel, id, cancellationToken);

        public ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) =>
            _management.DeleteDeadLetterAsync(channel, id, cancellationToken);

        public ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default) =>
            _management.PurgeAsync(channel, cancellationToken);

        public ValueTask DisposeAsync() => transport.DisposeAsync();
    }
}

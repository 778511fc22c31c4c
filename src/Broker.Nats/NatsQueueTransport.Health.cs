using System.Globalization;
using Broker.Nats.JetStream;
using Broker.Transport;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Broker.Nats;

internal sealed partial class NatsQueueTransport
{
    // JetStream's "not enabled" answers (nats-server's JSNotEnabledForAccountErr and JSNotEnabledErr). Not every 503:
    // a cluster without a meta leader answers 503 too (errcode 10008), and that passes.
    private const int JetStreamNotEnabledForAccount = 10039;
    private const int JetStreamNotEnabled = 10076;

    /// <inheritdoc />
    /// <remarks>
    /// Connects first if nothing has yet (the same connect and server check every operation makes), then asks JetStream
    /// for the account's info: a round trip that proves the server answers and that JetStream is enabled for the account.
    /// NATS.Net's own timeouts (connect, request) bound it even when the token never fires.
    /// </remarks>
    public async ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, object> { ["url"] = _options.Url };
        if (_disposed.IsCancellationRequested)
            return TransportHealth.Unhealthy("The NATS adapter was disposed: the application is shutting down, or disposed the broker while still using it.", data: data);

        NatsContext context;
        try
        {
            context = await ConnectAsync(cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TransportHealth.Unhealthy($"Not connected to nats-server at {_options.Url}: connecting did not finish within the health check's time. Is the server running and reachable?", data: data);
        }
        catch (NotSupportedException unsupported)
        {
            // Too old, or no JetStream: the message says which and what to do.
            return TransportHealth.Unhealthy(unsupported.Message, unsupported, data);
        }
        catch (NatsJSApiException api) when (IsJetStreamDisabled(api))
        {
            return JetStreamDisabled(api, data);
        }
        catch (Exception ex)
        {
            return TransportHealth.Unhealthy($"Cannot connect to nats-server at {_options.Url}: {ex.Message}. Is it running and reachable (NatsTransportOptions.Url)?", ex, data);
        }

        var connection = context.Connection;
        if (connection.ServerInfo is { } info)
        {
            data["server"] = info.Name;
            data["version"] = info.Version;
        }
        if (connection.ConnectionState != NatsConnectionState.Open)
        {
            return TransportHealth.Unhealthy(
                $"The connection to nats-server at {_options.Url} is {connection.ConnectionState}: it was lost, and the client reconnects by itself while the server is reachable. Produces wait up to ProduceRetryTimeout meanwhile.",
                data: data);
        }
        try
        {
            var account = await context.JetStream.GetAccountInfoAsync(cancellationToken).ConfigureAwait(false);
            data["streams"] = account.Streams;
            data["storageBytes"] = account.Storage;
            return TransportHealth.Healthy(
                string.Create(CultureInfo.InvariantCulture, $"Connected to nats-server {connection.ServerInfo?.Version} ({connection.ServerInfo?.Name}) at {_options.Url}; JetStream answers ({account.Streams} streams, {account.Storage} bytes stored)."),
                data);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TransportHealth.Unhealthy($"nats-server at {_options.Url} is connected but JetStream did not answer within the health check's time (a cluster without a meta leader, or an overloaded server).", data: data);
        }
        catch (NatsJSApiException api) when (IsJetStreamDisabled(api))
        {
            return JetStreamDisabled(api, data);
        }
        catch (Exception ex)
        {
            return TransportHealth.Unhealthy($"nats-server at {_options.Url} is connected but JetStream did not answer: {ex.Message}", ex, data);
        }
    }

    private static bool IsJetStreamDisabled(NatsJSApiException api) =>
        api.Error.ErrCode is JetStreamNotEnabledForAccount or JetStreamNotEnabled;

    private TransportHealth JetStreamDisabled(NatsJSApiException api, Dictionary<string, object> data) =>
        TransportHealth.Unhealthy(
            $"JetStream is not enabled at nats-server {_options.Url} for this account ({api.Error.Description}): start the server with -js (or 'jetstream {{}}' in its configuration) and give the account JetStream.",
            api, data);
}

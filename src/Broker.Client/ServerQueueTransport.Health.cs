using System.Net.Sockets;
using System.Security.Authentication;
using Broker.Client.Connection;
using Broker.Protocol;
using Broker.Transport;

namespace Broker.Client;

internal sealed partial class ServerQueueTransport
{
    // Guarded by _gate: completes the reconnect loop's current backoff early, so a health check tries now.
    private TaskCompletionSource? _retryNow;

    // Guarded by _gate: completed (and replaced) after each failed connection attempt, so a health check waiting for the
    // attempt it asked for learns of its failure at once instead of at its time limit.
    private TaskCompletionSource _attemptFailed = NewSignal();

    /// <inheritdoc />
    /// <remarks>
    /// Healthy while the connection is open: it exists only once the server accepted the credentials and the Hello. While
    /// it is not, the check asks the reconnect loop to try at once (not after its backoff) and waits for that attempt,
    /// within the token and at most <see cref="ServerClientOptions.ConnectTimeout"/>, then names why it failed: refused,
    /// authentication refused, TLS, timeout. It sends nothing on an open connection.
    /// </remarks>
    public async ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, object> { ["address"] = _address.ToString() };
        Task<ClientConnection> ready;
        Task attemptFailed;
        TaskCompletionSource? retryNow;
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested)
                return Disposed(data);
            if (_connection is { IsOpen: true } open)
                return Connected(open, data);
            _connecting ??= ConnectLoopAsync();
            ready = _ready.Task;
            attemptFailed = _attemptFailed.Task;
            retryNow = _retryNow;
        }
        // Completed outside the lock, and its continuation runs on the thread pool: the loop takes _gate itself.
        retryNow?.TrySetResult();

        // The caller's token bounds the wait, and so does one attempt's time limit: a check registered without a timeout
        // must not wait for ReconnectWait or forever.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.ConnectTimeout + TimeSpan.FromSeconds(1));
        try
        {
            await Task.WhenAny(ready, attemptFailed).WaitAsync(limit.Token).ConfigureAwait(false);
            if (!ready.IsCompleted)
            {
                var failed = _lastError;
                return TransportHealth.Unhealthy($"Not connected to the broker server at {_address}: {(failed is null ? "the connection attempt failed." : Reason(failed))}", failed, data);
            }
            var connection = await ready.ConfigureAwait(false);
            // The connection of a ready signal the watcher has not yet replaced (it closed a moment ago).
            if (!connection.IsOpen)
                return TransportHealth.Unhealthy($"Not connected to the broker server at {_address}: the connection was just lost, and the client is reconnecting.", data: data);
            return Connected(connection, data);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            var last = _lastError;
            return last is null
                ? TransportHealth.Unhealthy($"Not connected to the broker server at {_address}: the connection attempt did not finish within the health check's time. Is the server reachable?", data: data)
                : TransportHealth.Unhealthy($"Not connected to the broker server at {_address}: {Reason(last)}", last, data);
        }
        catch (ObjectDisposedException)
        {
            return Disposed(data);
        }
        catch (Exception ex)
        {
            return TransportHealth.Unhealthy($"Not connected to the broker server at {_address}: {Reason(ex)}", ex, data);
        }
    }

    /// <summary>Waits out a reconnect backoff, or less when a health check asks to try now.</summary>
    /// <returns>False when the transport was disposed meanwhile.</returns>
    private async Task<bool> BackOffAsync(TimeSpan delay)
    {
        var retryNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
            _retryNow = retryNow;
        // WhenAny never throws: a delay cancelled by disposal just ends the wait.
        await Task.WhenAny(Task.Delay(delay, _disposed.Token), retryNow.Task).ConfigureAwait(false);
        lock (_gate)
            _retryNow = null;
        return !_disposed.IsCancellationRequested;
    }

    private void AttemptFailed()
    {
        TaskCompletionSource failed;
        lock (_gate)
        {
            failed = _attemptFailed;
            _attemptFailed = NewSignal();
        }
        failed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TransportHealth Connected(ClientConnection connection, Dictionary<string, object> data)
    {
        var server = connection.Welcome.Server;
        data["server"] = server;
        return TransportHealth.Healthy($"Connected and authenticated to the broker server at {connection.Address} ({server}).", data);
    }

    private TransportHealth Disposed(Dictionary<string, object> data) =>
        TransportHealth.Unhealthy($"The client of the broker server at {_address} was disposed: the application is shutting down, or disposed the broker while still using it.", data: data);

    /// <summary>Why a connection attempt failed, in the operator's words, with what to check.</summary>
    private string Reason(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case BrokerServerException { Code: ErrorCodes.AuthenticationFailed or ErrorCodes.Unauthenticated } refused:
                    return $"the server refused authentication ({refused.Code}: {refused.Message}). Check ServerClientOptions.Token, or User and Password, against the server's --token or --user.";
                case AuthenticationException tls:
                    return $"the TLS handshake failed ({tls.Message}). Check ServerClientOptions.Tls (TargetHost must match the server's certificate, which must be trusted) and that the server listens with TLS.";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return $"the connection was refused: nothing listens at {_address}. Start broker-server, or check the address.";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } dns:
                    return $"the host name does not resolve ({dns.Message}). Check the address.";
                case SocketException socket:
                    return $"the connection failed ({socket.SocketErrorCode}: {socket.Message}). Check the network between this machine and the server.";
                case OperationCanceledException or TimeoutException:
                    return $"no answer within {_options.ConnectTimeout.TotalSeconds:0.#} s (ConnectTimeout): {error.Message} Check that the server runs and that no firewall drops the packets.";
            }
        }
        return error.Message;
    }
}

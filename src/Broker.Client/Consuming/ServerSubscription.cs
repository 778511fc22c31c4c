using System.Threading.Channels;
using Broker.Client.Connection;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Transport;

namespace Broker.Client.Consuming;

/// <summary>
/// A subscription held by the server for this client. It survives reconnects: each new connection subscribes again
/// under the same id, and deliveries of the lost connection are dropped (their leases went with it, and the server
/// gave those messages to other workers). Settles and renewals are round trips fenced by the server's lease tokens.
/// </summary>
internal sealed class ServerSubscription : ITransportSubscription
{
    private readonly ServerQueueTransport _transport;
    private readonly Channel<Delivery> _deliveries = System.Threading.Channels.Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions
    {
        SingleReader = false,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });
    private readonly Lock _gate = new();
    private ClientConnection? _connection;
    private Task? _attached;
    private Task? _stop;
    private bool _stopped;
    private bool _disposed;

    public ServerSubscription(ServerQueueTransport transport, int id, ChannelDefinition channel, SubscriptionSettings settings)
    {
        _transport = transport;
        Id = id;
        Channel = channel;
        Settings = settings;
    }

    public int Id { get; }

    public ChannelDefinition Channel { get; }

    public SubscriptionSettings Settings { get; }

    public ChannelReader<Delivery> Deliveries => _deliveries.Reader;

    private TimeSpan Timeout => _transport.Options.RequestTimeout;

    /// <summary>Subscribes on <paramref name="connection"/>, once per connection.</summary>
    public Task AttachAsync(ClientConnection connection)
    {
        lock (_gate)
        {
            if (_stopped || _disposed) return Task.CompletedTask;
            if (ReferenceEquals(_connection, connection) && _attached is not null) return _attached;
            _connection = connection;
            connection.EnsureDeclared(Channel);
            var request = new SubscribeRequest(Channel.Name, Id, Settings.MaxParallel, Math.Max(1, Wire.ToMilliseconds(Settings.LeaseDuration)));
            _attached = connection.RequestAsync(request, Replies.Ack, Timeout, "subscribe", CancellationToken.None);
            return _attached;
        }
    }

    /// <summary>Called on the connection's read loop for each push to this subscription.</summary>
    public void OnDelivery(ClientConnection connection, in DeliveryPush push)
    {
        var delivery = new ServerDelivery(
            Channel.Name, push.MessageId, push.Payload.ToArray(), push.Tries, push.ProducedAt, push.Priority, push.LeaseToken, this, connection, push.Headers.IsEmpty ? default : push.Headers.ToArray());
        bool current;
        lock (_gate)
            current = ReferenceEquals(_connection, connection) && !_disposed;
        if (!current || !_deliveries.Writer.TryWrite(delivery))
        {
            // Pushed after a stop or for a replaced connection: hand it straight back.
            _ = SettleAsync(delivery, SettleOperation.Release, 0, null, CancellationToken.None).AsTask();
        }
    }

    /// <summary>The connection is gone, and with it every lease this subscription held through it.</summary>
    public void OnConnectionLost(ClientConnection connection)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_connection, connection)) return;
            _connection = null;
            _attached = null;
        }
        // Received but not yet handed to a handler: their leases are lost, so no handler should start on them.
        while (_deliveries.Reader.TryRead(out _))
        {
        }
    }

    public ValueTask<SettleOutcome> CompleteAsync(Delivery delivery, CancellationToken cancellationToken) =>
        SettleAsync(delivery, SettleOperation.Complete, 0, null, cancellationToken);

    public ValueTask<SettleOutcome> FailAsync(Delivery delivery, FailureKind kind, string reason, CancellationToken cancellationToken) =>
        SettleAsync(delivery, kind == FailureKind.Permanent ? SettleOperation.FailPermanently : SettleOperation.Fail, 0, reason, cancellationToken);

    public ValueTask<SettleOutcome> RetryAsync(Delivery delivery, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return SettleAsync(delivery, SettleOperation.Retry, Wire.ToMilliseconds(delay), null, cancellationToken);
    }

    public ValueTask<SettleOutcome> ReleaseAsync(Delivery delivery, CancellationToken cancellationToken) =>
        SettleAsync(delivery, SettleOperation.Release, 0, null, cancellationToken);

    public async ValueTask<bool> RenewAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var own = Own(delivery);
        if (!own.Connection.IsOpen) return false;
        var request = new SettleRequest(MessageType.Renew, Id, own.Id, own.LeaseToken, SettleOperation.Complete, 0, null);
        try
        {
            return await own.Connection.RequestAsync(request, Replies.Result, Timeout, "lease renewal", cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionLostException)
        {
            return false;
        }
    }

    public ValueTask StopDeliveriesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stopped = true;
            _stop ??= StopCoreAsync(_connection);
            return new ValueTask(_stop.WaitAsync(cancellationToken));
        }
    }

    public async ValueTask DisposeAsync()
    {
        ClientConnection? connection;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _stopped = true;
            connection = _connection;
        }
        _transport.Forget(this);
        if (connection is { IsOpen: true })
        {
            try
            {
                // The server hands back what this subscription still holds (as a lost lease, counted) or never read.
                await connection.RequestAsync(new SubscriptionRequest(MessageType.Unsubscribe, Id), Replies.Ack, Timeout, "unsubscribe", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ConnectionLostException or BrokerServerException)
            {
                // Closing the connection releases it just the same.
            }
        }
        _deliveries.Writer.TryComplete();
    }

    /// <summary>Ends the subscription with an error the consumer sees (the server refused to restore it).</summary>
    internal void Fail(Exception reason)
    {
        lock (_gate)
        {
            _disposed = true;
            _stopped = true;
        }
        _deliveries.Writer.TryComplete(reason);
    }

    /// <summary>Closes the reader when the transport itself is disposed (the connection closes, which releases everything).</summary>
    internal void Close()
    {
        lock (_gate)
        {
            _disposed = true;
            _stopped = true;
        }
        _deliveries.Writer.TryComplete();
    }

    private async Task StopCoreAsync(ClientConnection? connection)
    {
        if (connection is { IsOpen: true })
        {
            try
            {
                // Answered after the server's last push to this subscription, so nothing comes after the reader completes.
                await connection.RequestAsync(new SubscriptionRequest(MessageType.StopDeliveries, Id), Replies.Ack, Timeout, "stop", CancellationToken.None).ConfigureAwait(false);
            }
            catch (ConnectionLostException)
            {
                // The server dropped the subscription with the connection.
            }
        }
        _deliveries.Writer.TryComplete();
    }

    private async ValueTask<SettleOutcome> SettleAsync(Delivery delivery, SettleOperation operation, long delayMs, string? reason, CancellationToken cancellationToken)
    {
        var own = Own(delivery);
        if (!own.Connection.IsOpen) return SettleOutcome.LeaseLost;
        var request = new SettleRequest(MessageType.Settle, Id, own.Id, own.LeaseToken, operation, delayMs, reason);
        try
        {
            return await own.Connection.RequestAsync(request, Replies.Settled, Timeout, "settle", cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionLostException)
        {
            // The server closed this connection's subscription, and its leases with it.
            return SettleOutcome.LeaseLost;
        }
    }

    private ServerDelivery Own(Delivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (delivery is not ServerDelivery own || !ReferenceEquals(own.Subscription, this))
            throw new ArgumentException("The delivery did not come from this subscription.", nameof(delivery));
        return own;
    }
}

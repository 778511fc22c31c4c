using System.Collections.Concurrent;
using System.Security.Cryptography;
using Broker.Client.Connection;
using Broker.Client.Consuming;
using Broker.Client.Producing;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Client;

/// <summary>
/// The client adapter for the broker server (<c>UseServer(address)</c>). It keeps one connection, opened on first use
/// and re-opened with backoff whenever it is lost; while it is down, operations wait up to
/// <see cref="ServerClientOptions.ReconnectWait"/>. After a reconnect it restores every subscription (deliveries held
/// under the old connection are lost leases: settling them returns <see cref="SettleOutcome.LeaseLost"/>) and retries the
/// produces that were in flight under their original sequence number, which the server recognises, so a retry never
/// duplicates a message. If the server restarted in between, it no longer knows the sequence: an ExactlyOnce produce is
/// retried anyway (its dedup key is durable), an AtLeastOnce one fails with <see cref="ServerConnectionException"/>
/// whose <see cref="ServerConnectionException.OutcomeUnknown"/> is true.
/// </summary>
internal sealed partial class ServerQueueTransport : IQueueTransport, IConnectionOwner
{
    private readonly ServerAddress _address;
    private readonly ServerClientOptions _options;
    private readonly ILogger _logger;
    private readonly UInt128 _session;
    private readonly ProduceSequence _produces = new();
    private readonly ConcurrentDictionary<int, ServerSubscription> _subscriptions = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private TaskCompletionSource<ClientConnection> _ready = NewReady();
    private ClientConnection? _connection;
    private Task? _connecting;
    private Exception? _lastError;
    private long _epoch;
    private int _nextSubscription;

    public ServerQueueTransport(ServerAddress address, ServerClientOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _address = address;
        _options = options;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Broker.Client");
        Span<byte> session = stackalloc byte[16];
        RandomNumberGenerator.Fill(session);
        _session = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(session);
    }

    /// <inheritdoc />
    public TimeProvider TimeProvider { get; }

    public string Address => _address.ToString();

    public ServerClientOptions Options => _options;

    /// <summary>
    /// Runs before every connection attempt, the first one and each reconnect, on the connect loop: the shared embedded
    /// broker tries there to take its directory's lock and host it, so that a client whose host died becomes the next
    /// host before it connects again. An exception counts as a failed attempt (logged, then backed off).
    /// </summary>
    internal Func<CancellationToken, Task>? BeforeConnect { get; init; }

    /// <summary>
    /// How many failed attempts in a row are logged at Debug before the warnings start: a shared embedded directory's
    /// host takes a moment to replay its log and open its socket, at every start and every takeover, and the attempts of
    /// that moment are expected, not news. 0 (the default): every failure is a warning.
    /// </summary>
    internal int QuietAttempts { get; init; }

    /// <summary>The current connection, (re)connecting if needed.</summary>
    /// <exception cref="ServerConnectionException">No connection within <see cref="ServerClientOptions.ReconnectWait"/>.</exception>
    internal async ValueTask<ClientConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _connection);
        if (current is { IsOpen: true }) return current;
        Task<ClientConnection> ready;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            if (_connection is { IsOpen: true } open) return open;
            _connecting ??= ConnectLoopAsync();
            ready = _ready.Task;
        }
        try
        {
            return await ready.WaitAsync(_options.ReconnectWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var last = _lastError;
            throw new ServerConnectionException(
                $"Could not reach the broker server at {_address} within {_options.ReconnectWait.TotalSeconds:0.#} s" + (last is null ? "." : $": {last.Message}"), last);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// No round trip: the handle declares the channel on each connection before the first request that names it there
    /// (pipelined in front of it), so a reconnect to a server that lost the declaration declares it again.
    /// </remarks>
    public ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        return ValueTask.FromResult<ITransportChannel>(new ServerChannel(this, channel));
    }

    /// <summary>Subscribes through <see cref="ServerChannel"/>.</summary>
    internal async ValueTask<ITransportSubscription> SubscribeToAsync(ChannelDefinition channel, SubscriptionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        SubscriptionLimits.Validate(channel.Name, settings);
        var subscription = new ServerSubscription(this, Interlocked.Increment(ref _nextSubscription), channel, settings);
        _subscriptions[subscription.Id] = subscription;
        try
        {
            while (true)
            {
                var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await subscription.AttachAsync(connection).WaitAsync(cancellationToken).ConfigureAwait(false);
                    return subscription;
                }
                catch (ConnectionLostException)
                {
                    // The next connection restores it; wait for that one to confirm.
                }
            }
        }
        catch
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A channel's counts on the server (tests and tools).</summary>
    internal Task<StatsReply> GetStatsAsync(string channel, CancellationToken cancellationToken = default) =>
        ReadAsync(c => c.RequestAsync(new ChannelRequest(MessageType.Stats, channel, 0), Replies.Stats, _options.RequestTimeout, "stats request", cancellationToken), cancellationToken);

    internal void Forget(ServerSubscription subscription) => _subscriptions.TryRemove(subscription.Id, out _);

    void IConnectionOwner.OnDelivery(ClientConnection connection, in DeliveryPush push)
    {
        if (_subscriptions.TryGetValue(push.Subscription, out var subscription))
            subscription.OnDelivery(connection, push);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Task? connecting;
        ClientConnection? connection;
        TaskCompletionSource<ClientConnection> ready;
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested) return;
            _disposed.Cancel();
            connecting = _connecting;
            connection = _connection;
            _connection = null;
            ready = _ready;
        }
        ready.TrySetException(new ObjectDisposedException(nameof(ServerQueueTransport)));
        foreach (var subscription in _subscriptions.Values)
            subscription.Close();
        if (connection is not null)
            await connection.DisposeAsync().ConfigureAwait(false);
        if (connecting is not null)
            await connecting.ConfigureAwait(false);
        _disposed.Dispose();
    }

    /// <summary>A read-only request: retried on the next connection when the connection is lost.</summary>
    private async Task<T> ReadAsync<T>(Func<ClientConnection, Task<T>> request, CancellationToken cancellationToken)
    {
        while (true)
        {
            var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await request(connection).ConfigureAwait(false);
            }
            catch (ConnectionLostException)
            {
            }
        }
    }

    /// <summary>A request that changes something: retried only when it certainly never reached the server.</summary>
    private async Task<T> ChangeAsync<T>(Func<ClientConnection, Task<T>> request, string what, CancellationToken cancellationToken)
    {
        while (true)
        {
            var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await request(connection).ConfigureAwait(false);
            }
            catch (ConnectionLostException lost) when (lost.WasSent)
            {
                throw new ServerConnectionException($"The connection to the broker server at {_address} was lost during {what}; whether it took effect is unknown.", lost.InnerException ?? lost)
                {
                    OutcomeUnknown = true,
                };
            }
            catch (ConnectionLostException)
            {
            }
        }
    }

    private static TaskCompletionSource<ClientConnection> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ConnectLoopAsync()
    {
        var delay = _options.ReconnectDelay;
        var attempts = 0;
        var connectionAddress = _address.ToString();
        while (!_disposed.IsCancellationRequested)
        {
            ClientConnection? connection = null;
            try
            {
                attempts++;
                if (BeforeConnect is { } beforeConnect)
                    await beforeConnect(_disposed.Token).ConfigureAwait(false);
                connection = await ClientConnection.OpenAsync(_address, _options, _session, this, _logger, _disposed.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    if (!connection.Welcome.Resumed) _epoch++;
                    connection.Epoch = _epoch;
                }
                // Subscriptions come back before anything else uses the connection.
                foreach (var subscription in _subscriptions.Values)
                {
                    try
                    {
                        await subscription.AttachAsync(connection).ConfigureAwait(false);
                    }
                    catch (BrokerServerException ex)
                    {
                        // The server refuses this one subscription (its limits changed): end it, keep the connection.
                        LogRestoreRefused(_logger, subscription.Channel.Name, connectionAddress, ex.Message);
                        _subscriptions.TryRemove(subscription.Id, out _);
                        subscription.Fail(ex);
                    }
                }

                TaskCompletionSource<ClientConnection> ready;
                lock (_gate)
                {
                    if (_disposed.IsCancellationRequested) break;
                    _connection = connection;
                    _connecting = null;
                    _lastError = null;
                    ready = _ready;
                }
                _ = WatchAsync(connection);
                LogConnected(_logger, connectionAddress, connection.Welcome.Server, connection.Welcome.Resumed, attempts);
                ready.TrySetResult(connection);
                return;
            }
            catch (Exception ex) when (!_disposed.IsCancellationRequested)
            {
                if (connection is not null)
                    await connection.DisposeAsync().ConfigureAwait(false);
                _lastError = ex;
                if (attempts <= QuietAttempts)
                    LogConnectFailedQuietly(_logger, connectionAddress, attempts, ex.Message);
                else
                    LogConnectFailed(_logger, connectionAddress, attempts, ex.Message);
                AttemptFailed();
                if (ex is BrokerServerException { Code: ErrorCodes.AuthenticationFailed or ErrorCodes.Unauthenticated } or ConnectBlockedException { FailWaiting: true })
                {
                    // Waiting longer will not fix wrong credentials (nor a directory this process cannot host): fail the
                    // operations waiting now, keep trying for later ones.
                    TaskCompletionSource<ClientConnection> refused;
                    lock (_gate)
                    {
                        refused = _ready;
                        _ready = NewReady();
                    }
                    refused.TrySetException(ex);
                }
                if (!await BackOffAsync(ex is ConnectBlockedException { RetryAfter: { } after } ? after : Jitter(delay)).ConfigureAwait(false))
                    break;
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
            catch (Exception)
            {
                if (connection is not null)
                    await connection.DisposeAsync().ConfigureAwait(false);
                break;
            }
        }
        if (_disposed.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (_connection is null && _ready.Task.IsCompleted is false)
                    _ready.TrySetException(new ObjectDisposedException(nameof(ServerQueueTransport)));
            }
        }
    }

    private async Task WatchAsync(ClientConnection connection)
    {
        var reason = await connection.Closed.ConfigureAwait(false);
        lock (_gate)
        {
            if (ReferenceEquals(_connection, connection))
                _connection = null;
            if (_disposed.IsCancellationRequested)
                return;
            if (_ready.Task.IsCompleted)
                _ready = NewReady();
            _connecting ??= ConnectLoopAsync();
        }
        foreach (var subscription in _subscriptions.Values)
            subscription.OnConnectionLost(connection);
        LogConnectionLost(_logger, connection.Address, reason.Message);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private static TimeSpan Jitter(TimeSpan delay) =>
        TimeSpan.FromTicks((long)(delay.Ticks * (0.8 + Random.Shared.NextDouble() * 0.4)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the broker server at {Address} ({Server}; session resumed: {Resumed}) after {Attempts} attempt(s)")]
    private static partial void LogConnected(ILogger logger, string address, string server, bool resumed, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not connect to the broker server at {Address} (attempt {Attempt}): {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string address, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not connect to the broker at {Address} yet (attempt {Attempt}): {Reason}")]
    private static partial void LogConnectFailedQuietly(ILogger logger, string address, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The broker server at {Address} refused to restore the subscription to channel '{Channel}': {Reason}; it has ended")]
    private static partial void LogRestoreRefused(ILogger logger, string channel, string address, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to the broker server at {Address}: {Reason}; reconnecting")]
    private static partial void LogConnectionLost(ILogger logger, string address, string reason);
}

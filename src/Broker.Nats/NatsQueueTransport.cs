using System.Collections.Concurrent;
using Broker.Nats.Consuming;
using Broker.Nats.DeadLetters;
using Broker.Nats.JetStream;
using Broker.Nats.Producing;
using Broker.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Broker.Nats;

/// <summary>
/// The NATS JetStream adapter: channels become streams on a nats-server (or cluster), so workers on many machines
/// share them. It connects on first use, checks the server's version, and creates each channel's streams the first
/// time the channel is used. See docs/nats.md for the mapping and what nats-server 2.9 can and cannot promise.
/// </summary>
internal sealed partial class NatsQueueTransport : IQueueTransport
{
    private readonly NatsTransportOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly ConcurrentDictionary<ChannelDefinition, Lazy<Task<ChannelRuntime>>> _channels = new();
    private readonly ConcurrentDictionary<NatsSubscription, byte> _subscriptions = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationTokenSource _disposed = new();
    private NatsConnection? _connection;
    private NatsContext? _context;
    private NatsProducer? _producer;
    private DeadLetterStore? _deadLetters;

    public NatsQueueTransport(NatsTransportOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (loggerFactory ?? options.Connection?.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Broker.Nats");
    }

    /// <summary>The settings this transport runs with (for tests of how they were put together).</summary>
    internal NatsTransportOptions Options => _options;

    /// <inheritdoc />
    public TimeProvider TimeProvider => TimeProvider.System;

    /// <summary>The connected server's version and capabilities; null before the first operation.</summary>
    internal ServerCapabilities? Server => _context?.Server;

    /// <summary>Connects (once) and checks the server. Every operation calls it; tests call it to start early.</summary>
    internal async ValueTask<NatsContext> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_context is { } ready) return ready;
        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            if (_context is { } raced) return raced;
            var opts = (_options.Connection ?? NatsOpts.Default) with { Url = _options.Url };
            var connection = new NatsConnection(opts);
            try
            {
                await connection.ConnectAsync().ConfigureAwait(false);
                var info = connection.ServerInfo ?? throw new InvalidOperationException($"nats-server at {_options.Url} sent no INFO.");
                var server = new ServerCapabilities(ServerCapabilities.ParseVersion(info.Version), info.JetStreamAvailable);
                server.EnsureSupported(_options.Url);
                var js = new NatsJSContext(connection);
                // JetStreamAvailable is the server's; the account must have JetStream enabled too.
                await js.GetAccountInfoAsync(cancellationToken).ConfigureAwait(false);
                // 2.10+ can sync every write, but its default is still every two minutes, and a client cannot read the
                // server's sync_interval: say what to check instead of staying silent.
                if (!server.CanSyncAlways)
                    LogNoSyncAlways(_logger, info.Version, _options.Url);
                else
                    LogSyncIntervalUnknown(_logger, info.Version, _options.Url);
                var context = new NatsContext(connection, js, _options, TimeProvider, _logger, server);
                _producer = new NatsProducer(context.Publisher, context.Bell, _options, TimeProvider);
                _deadLetters = new DeadLetterStore(context);
                _connection = connection;
                _context = context;
                return context;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private async ValueTask<ChannelRuntime> ChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var context = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var lazy = _channels.GetOrAdd(channel, c => new Lazy<Task<ChannelRuntime>>(async () =>
        {
            var streams = await Transient.RetryAsync(
                async ct => await ChannelStreams.CreateAsync(context.JetStream, _options, c, ct).ConfigureAwait(false),
                _options.ProduceRetryTimeout, TimeProvider, _disposed.Token).ConfigureAwait(false);
            return new ChannelRuntime(context, streams);
        }));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (lazy.Value.IsFaulted)
        {
            // Try again next time (the server may have been unreachable).
            _channels.TryRemove(new KeyValuePair<ChannelDefinition, Lazy<Task<ChannelRuntime>>>(channel, lazy));
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        // Creates (or checks) the channel's streams and consumers now, so the handle's first produce pays nothing extra.
        var runtime = await ChannelAsync(channel, cancellationToken).ConfigureAwait(false);
        return new NatsChannel(this, runtime);
    }

    internal ValueTask<ProduceResult> ProduceToAsync(ChannelRuntime runtime, OutgoingMessage message, CancellationToken cancellationToken) =>
        _producer!.ProduceAsync(runtime.Streams, message, _connection!.ServerInfo?.MaxPayload ?? 1024 * 1024, cancellationToken);

    internal async ValueTask<ITransportSubscription> SubscribeToAsync(ChannelRuntime runtime, SubscriptionSettings settings, CancellationToken cancellationToken)
    {
        SubscriptionLimits.Validate(runtime.Channel.Name, settings);
        var subscription = await NatsSubscription.StartAsync(_context!, runtime, settings, cancellationToken).ConfigureAwait(false);
        _subscriptions.TryAdd(subscription, 0);
        return new TrackedSubscription(subscription, () => _subscriptions.TryRemove(subscription, out _));
    }

    internal DeadLetterStore DeadLetters => _deadLetters!;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        await _disposed.CancelAsync().ConfigureAwait(false);
        foreach (var subscription in _subscriptions.Keys)
            await subscription.DisposeAsync().ConfigureAwait(false);
        foreach (var lazy in _channels.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
                await lazy.Value.Result.StopAsync().ConfigureAwait(false);
        }
        if (_connection is not null)
            await _connection.DisposeAsync().ConfigureAwait(false);
        _connectGate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "nats-server {Version} at {Url} fsyncs JetStream files only every two minutes: a process crash loses nothing, but a machine crash or power loss can lose acknowledged messages. nats-server 2.10+ with 'sync_interval: always' closes that gap.")]
    private static partial void LogNoSyncAlways(ILogger logger, string version, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "nats-server {Version} at {Url} fsyncs JetStream files every two minutes unless its configuration sets 'sync_interval: always' in the jetstream block, which a client cannot see: check it, or a machine crash or power loss can lose acknowledged messages.")]
    private static partial void LogSyncIntervalUnknown(ILogger logger, string version, string url);

    /// <summary>Forgets a subscription when it is disposed, so disposing the transport does not dispose it twice.</summary>
    private sealed class TrackedSubscription(NatsSubscription inner, Action forget) : ITransportSubscription
    {
        public System.Threading.Channels.ChannelReader<Delivery> Deliveries => inner.Deliveries;

        public ValueTask<SettleOutcome> CompleteAsync(Delivery delivery, CancellationToken cancellationToken) => inner.CompleteAsync(delivery, cancellationToken);

        public ValueTask<SettleOutcome> FailAsync(Delivery delivery, FailureKind kind, string reason, CancellationToken cancellationToken) => inner.FailAsync(delivery, kind, reason, cancellationToken);

        public ValueTask<SettleOutcome> RetryAsync(Delivery delivery, TimeSpan delay, CancellationToken cancellationToken) => inner.RetryAsync(delivery, delay, cancellationToken);

        public ValueTask<SettleOutcome> ReleaseAsync(Delivery delivery, CancellationToken cancellationToken) => inner.ReleaseAsync(delivery, cancellationToken);

        public ValueTask<bool> RenewAsync(Delivery delivery, CancellationToken cancellationToken) => inner.RenewAsync(delivery, cancellationToken);

        public ValueTask StopDeliveriesAsync(CancellationToken cancellationToken) => inner.StopDeliveriesAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            forget();
        }
    }
}

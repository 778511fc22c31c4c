using Broker.Client;
using Broker.Client.Connection;
using Broker.Engine;
using Broker.Engine.Storage.Log;
using Broker.Management;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Embedded;

/// <summary>
/// <c>UseEmbedded(path)</c> shared by every process on the machine that opens the same directory. The process that takes
/// the directory's lock hosts it (<see cref="EmbeddedHost"/>) and uses its engine in-process, at the speed of an
/// unshared directory; the others are clients of the host's socket. When the host goes, the clients' reconnect loop
/// tries the lock before each attempt, so one of them hosts next and all of them (the new host too, through its own
/// socket) reconnect to it: the lock is the only arbiter, and the log is replayed by whoever wins it.
/// </summary>
/// <remarks>
/// The role is decided in the background, so resolving the transport never waits on a log replay; the first operation
/// (or health check) waits for it. A process that became the host by taking over keeps using its channels through its
/// own socket until it restarts: its subscriptions and in-flight produces belong to its client, and moving them into the
/// engine under way would be a second, rarer path for the same guarantees.
/// </remarks>
internal sealed class SharedEmbeddedTransport : IManageableTransport
{
    // A lost host is noticed by the clients at once (the socket closes); the next one needs a replay of the log. Short
    // backoffs keep the gap near the replay's length, not a backoff's.
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMilliseconds(250);
    // Attempts logged at Debug while a host starts (about 10 s of them at the longest backoff): a replay takes a moment
    // at every start and takeover; a host that stays out of reach longer than that is worth the warnings.
    private const int QuietAttempts = 40;
    // A directory this process took and could not host is tried again this seldom: each try replays the log.
    private static readonly TimeSpan HostingRetry = TimeSpan.FromSeconds(10);
    // A holder that has not served its socket for the quiet attempts' while most likely never will (it does not share).
    private static readonly TimeSpan UnservedRetry = TimeSpan.FromSeconds(2);

    private readonly EmbeddedBrokerOptions _settings;
    private readonly ILoggerFactory? _loggers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _gate = new();
    private readonly Task<IManageableTransport> _started;
    private EmbeddedHost? _host;
    private EngineTransport? _local;
    private ServerQueueTransport? _client;
    private bool _disposed;
    private int _cannotHost;
    private int _unservedAttempts;

    public SharedEmbeddedTransport(EmbeddedBrokerOptions settings, TimeProvider time, ILoggerFactory? loggers)
    {
        _settings = settings;
        Directory = System.IO.Path.GetFullPath(settings.Path!);
        SocketPath = EmbeddedEndpoint.PathIn(Directory);
        TimeProvider = time;
        _loggers = loggers;
        _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Broker.Embedded");
        Management = new SharedManagement(async ct => (await StartedAsync(ct).ConfigureAwait(false)).Management);
        _started = Task.Run(StartAsync);
    }

    /// <summary>The data directory (a full path).</summary>
    public string Directory { get; }

    /// <summary>The directory's socket, served by whichever process hosts.</summary>
    public string SocketPath { get; }

    /// <inheritdoc />
    public TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    public IBrokerManagement Management { get; }

    /// <summary>True while this process hosts the directory (from the start, or since it took over).</summary>
    public bool IsHost => Volatile.Read(ref _host) is not null;

    /// <summary>True when this process hosted from the start: its channels run on the engine in-process.</summary>
    public bool IsInProcess => Volatile.Read(ref _local) is not null;

    /// <summary>The engine, while this process hosts.</summary>
    internal QueueEngine? Engine => Volatile.Read(ref _host)?.Engine;

    /// <summary>Completes once this process knows whether it hosts or connects; throws what stopped the start.</summary>
    internal async Task<IManageableTransport> StartedAsync(CancellationToken cancellationToken) =>
        await _started.WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken)
    {
        var inner = await StartedAsync(cancellationToken).ConfigureAwait(false);
        return await inner.OpenChannelAsync(channel, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        IManageableTransport inner;
        try
        {
            inner = await StartedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TransportHealth.Unhealthy($"The embedded broker in '{Directory}' is still starting (taking the directory or replaying its log); check again later.");
        }
        catch (Exception ex)
        {
            return TransportHealth.Unhealthy($"The embedded broker in '{Directory}' could not start: {ex.Message}", ex);
        }
        var health = await inner.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>(health.Data)
        {
            ["adapter"] = "Embedded",
            ["directory"] = Directory,
            ["role"] = IsHost ? "host" : "client",
        };
        if (health.Status == TransportHealthStatus.Healthy)
            return TransportHealth.Healthy(health.Description, data);
        var description = health.Description;
        if (!IsHost)
            description += " " + NotServed();
        return TransportHealth.Unhealthy(description, health.Exception, data);
    }

    /// <summary>Why a client may find nothing on the socket, naming the directory's holder and what to do.</summary>
    private string NotServed() =>
        $"The broker data directory '{Directory}' is held by {OsLogFileSystem.ReadOwner(System.IO.Path.Combine(Directory, "LOCK.owner"))}. " +
        "If that process shares it, it serves this one once its log is replayed. If it does not (UseEmbedded with Shared = false, " +
        "or broker-server), stop it to let the processes on this directory share it, or, for broker-server, connect to its address with UseServer.";

    private async Task<IManageableTransport> StartAsync()
    {
        var host = await EmbeddedHost.TryStartAsync(_settings, Directory, TimeProvider, _loggers, _disposing.Token).ConfigureAwait(false);
        if (host is not null)
        {
            var local = new EngineTransport(host.Engine, host.Management);
            lock (_gate)
            {
                if (!_disposed)
                {
                    _host = host;
                    _local = local;
                    return local;
                }
            }
            await host.DisposeAsync().ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(SharedEmbeddedTransport));
        }

        var options = new ServerClientOptions
        {
            ClientName = $"embedded process {Environment.ProcessId}",
            ReconnectDelay = FirstRetry,
            MaxReconnectDelay = LongestRetry,
        };
        var client = new ServerQueueTransport(ServerAddress.UnixSocket(SocketPath), options, TimeProvider, _loggers) { BeforeConnect = TakeOverAsync, QuietAttempts = QuietAttempts };
        lock (_gate)
        {
            if (!_disposed)
            {
                _client = client;
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    var holder = OsLogFileSystem.ReadOwner(System.IO.Path.Combine(Directory, "LOCK.owner"));
                    EmbeddedLog.Client(_logger, Directory, holder, SocketPath);
                }
                return client;
            }
        }
        await client.DisposeAsync().ConfigureAwait(false);
        throw new ObjectDisposedException(nameof(SharedEmbeddedTransport));
    }

    /// <summary>
    /// Before each connection attempt of this process's client: if the directory's lock is free (the host is gone),
    /// take it and host, so the attempt that follows connects to this process's own socket.
    /// </summary>
    private async Task TakeOverAsync(CancellationToken cancellationToken)
    {
        if (IsHost)
            return;
        EmbeddedHost? host;
        try
        {
            host = await EmbeddedHost.TryStartAsync(_settings, Directory, TimeProvider, _loggers, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The lock was free, and hosting failed after taking it (a log that lost data, files it may not read, the
            // socket's name taken): every attempt would replay the log again and fail the same way. Said once as an
            // error; the operations waiting fail now with it, and the next attempt comes after a long pause.
            if (Interlocked.Exchange(ref _cannotHost, 1) == 0)
                EmbeddedLog.CannotHost(_logger, ex, Directory);
            throw new ConnectBlockedException(
                $"This process took the broker data directory '{Directory}' to host it (no other process held it) and could not: {ex.Message}",
                HostingRetry, failWaiting: true, ex);
        }
        Volatile.Write(ref _cannotHost, 0);
        if (host is null)
        {
            // Held, and nothing to connect to: the holder is still replaying its log, or it never shares. This is the
            // attempt's error, which the client logs (at Debug while a replay may explain it) and names in its own when
            // an operation gives up; past that moment, attempts come less often.
            if (!Path.Exists(SocketPath))
            {
                var unserved = ++_unservedAttempts;
                throw new ConnectBlockedException(NotServed(), unserved > QuietAttempts ? UnservedRetry : null, failWaiting: false);
            }
            _unservedAttempts = 0;
            return;
        }
        lock (_gate)
        {
            if (!_disposed)
            {
                _host = host;
                host = null;
            }
        }
        if (host is not null)
        {
            await host.DisposeAsync().ConfigureAwait(false);
            return;
        }
        EmbeddedLog.TookOver(_logger, Directory);
    }

    /// <summary>
    /// Leaves the directory: the client disconnects, then the host (if this process is it) hands over, answering what its
    /// socket read, telling its clients goodbye and releasing the lock for the next host.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        await _disposing.CancelAsync().ConfigureAwait(false);
        try
        {
            await _started.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A start that failed or was cut short left nothing to close.
        }
        if (_client is not null)
            await _client.DisposeAsync().ConfigureAwait(false);
        if (_local is not null)
            await _local.DisposeAsync().ConfigureAwait(false);
        if (_host is not null)
            await _host.DisposeAsync().ConfigureAwait(false);
        _disposing.Dispose();
    }
}

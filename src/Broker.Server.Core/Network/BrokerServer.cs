using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using Broker.Engine;
using Broker.Protocol;
using Broker.Server.Configuration;
using Broker.Server.Diagnostics;
using Broker.Server.Security;
using Broker.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Network;

/// <summary>
/// The listening side of the server (TCP, or the Unix socket of a shared embedded directory): accepts connections up to
/// the limit, serves each with a <see cref="ServerConnection"/> over the shared <see cref="QueueEngine"/>, watches them
/// (authentication deadline, stalled writes) and stops gracefully: no new connections, no new requests, requests in
/// flight finished, goodbye, close.
/// </summary>
/// <remarks>
/// A connection is <em>pending</em> from its accept until it is admitted (it authenticated, or, on a server without
/// credentials, sent its first valid frame). Pending connections are closed after <c>--auth-timeout</c>, and at
/// <c>--max-connections</c> the oldest pending one is closed to make room for a new connection; only when every
/// connection is admitted is a new one refused. So sockets that connect and say nothing can never lock a working
/// client out.
/// </remarks>
internal sealed class BrokerServer : IAsyncDisposable
{
    // Floods of one kind of line (an attacker's guesses, thousands of idle sockets) are written a few per window, then
    // summarised per source address, so they cannot drown the log (or the disk under it).
    private static readonly TimeSpan LogWindow = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<long, (ServerConnection Connection, Task Running)> _connections = new();
    // Pending connections in accept order: the first is the oldest, the one closed to make room.
    private readonly LinkedList<ServerConnection> _pending = new();
    private readonly Lock _pendingGate = new();
    private readonly LogRateLimiter _authenticationFailedLines = new(5, LogWindow);
    private readonly LogRateLimiter _sentNothingLines = new(5, LogWindow);
    private readonly LogRateLimiter _protocolErrorLines = new(5, LogWindow);
    private readonly LogRateLimiter _refusedLines = new(5, LogWindow);
    private readonly LogRateLimiter _madeRoomLines = new(1, LogWindow, maxKeys: 1);
    private readonly LogRateLimiter _acceptFailedLines = new(1, LogWindow, maxKeys: 1);
    private readonly LogRateLimiter _watchFailedLines = new(1, LogWindow, maxKeys: 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _shutdownDeadline = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Connections holding a slot: counted up at accept, down exactly once per connection, by whichever comes first of
    // its close to make room (the slot goes to the new connection at once) and its removal. One counter, not "served
    // minus closing", so no interleaving of a removal with an accept can read one slot too few and admit one too many.
    private int _occupiedSlots;
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;
    private ITimer? _watchdog;
    private long _nextConnection;
    private int _stopped;

    public BrokerServer(BrokerServerOptions options, QueueEngine engine, ILoggerFactory loggerFactory, X509Certificate2? certificate = null)
    {
        Options = options;
        Engine = engine;
        Logger = loggerFactory.CreateLogger("Broker.Server");
        Credentials = Credentials.From(options);
        Throttle = new AuthenticationThrottle(options.AuthFailureBurst, options.AuthFailureRefill);
        PasswordHashes = new PasswordHashLimiter(options.PasswordHashConcurrency, options.PasswordHashQueue ?? options.MaxConnections);
        Certificate = certificate;
        Sessions = new ProducerSessions(maxDetached: options.MaxConnections * 4);
        Failures = new RequestFailureLog(Logger);
        Metrics = new ServerMetrics(() => _connections.Count);
        Management = new BrokerServerManagement(this);
    }

    /// <summary>The server's name and version, as Welcome reports it.</summary>
    public static string Version { get; } =
        "broker-server " + (typeof(BrokerServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    public BrokerServerOptions Options { get; }

    public QueueEngine Engine { get; }

    public ILogger Logger { get; }

    /// <summary>
    /// The management API of this server (channels, peek, dead letters, purge, status with connections and version):
    /// what the management frames and the dashboard answer with.
    /// </summary>
    public BrokerServerManagement Management { get; }

    public Credentials Credentials { get; }

    /// <summary>Authentication attempts per source address: failures use them up, a throttled source is refused at once.</summary>
    public AuthenticationThrottle Throttle { get; }

    /// <summary>Where password-hash verifications run, a few at a time, source addresses taking turns.</summary>
    public PasswordHashLimiter PasswordHashes { get; }

    public X509Certificate2? Certificate { get; }

    public RequestFailureLog Failures { get; }

    public ProducerSessions Sessions { get; }

    /// <summary>The server's instruments on the Broker.Server meter; disposed with the server.</summary>
    public ServerMetrics Metrics { get; }

    /// <summary>The bound address (with the actual port when the options asked for port 0).</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    public int ConnectionCount => _connections.Count;

    /// <summary>The connections served now (for tests and diagnostics: what each holds for its socket).</summary>
    internal IReadOnlyList<ServerConnection> Connections => [.. _connections.Values.Select(c => c.Connection)];

    /// <summary>Connections that hold a slot: those closed to make room gave theirs away already.</summary>
    internal int OccupiedSlots => Volatile.Read(ref _occupiedSlots);

    /// <summary>Completes when a graceful stop has waited long enough for requests in flight.</summary>
    internal Task ShutdownDeadline => _shutdownDeadline.Task;

    /// <summary>Where the server listens, as its log lines and status name it: the bound address, or the socket's path.</summary>
    public string ListeningOn => Options.UnixSocket ?? LocalEndPoint?.ToString() ?? Options.Listen.ToString();

    /// <summary>Binds and starts accepting.</summary>
    /// <exception cref="Hosting.StartRefusedException">The address cannot be bound (in use, not local).</exception>
    public void Start()
    {
        EndPoint endPoint = Options.UnixSocket is { } path ? new UnixDomainSocketEndPoint(path) : Options.Listen.EndPoint;
        var listener = Options.UnixSocket is null
            ? new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && ((IPEndPoint)endPoint).Address.Equals(IPAddress.IPv6Any))
                listener.DualMode = true;
            listener.Bind(endPoint);
            if (Options.UnixSocket is { } socketPath && Options.UnixSocketMode is { } mode && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(socketPath, mode);
            listener.Listen(512);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new Hosting.StartRefusedException($"Cannot listen on {endPoint}: {ex.Message}" + (ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? " (is another broker-server running there?)" : "."), ex);
        }
        _listener = listener;
        _accepting = Task.Run(AcceptLoopAsync);
        _watchdog = TimeProvider.System.CreateTimer(static s => ((BrokerServer)s!).Watch(), this, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        var security = Options.UnixSocket is not null ? "a Unix domain socket, the file's permissions decide who connects"
            : (Credentials.Required ? "authentication required" : "no authentication, loopback only") + (Certificate is null ? ", plain TCP" : ", TLS");
        ServerLog.Listening(Logger, ListeningOn, Options.DataDirectory, security);
        if (Options.UnixSocket is null && Credentials.Required && Certificate is null && !Options.Listen.IsLoopback)
            ServerLog.PlaintextCredentials(Logger, ListeningOn);
    }

    /// <summary>Stops gracefully within <see cref="BrokerServerOptions.ShutdownTimeout"/>, then closes what is left.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_listener is null) return;
        _listener?.Dispose();
        await _accepting.ConfigureAwait(false);
        if (_watchdog is not null) await _watchdog.DisposeAsync().ConfigureAwait(false);

        var connections = _connections.Values.ToArray();
        var inFlight = connections.Sum(c => c.Connection.RequestsInFlight);
        ServerLog.Stopping(Logger, Options.ShutdownTimeout.TotalSeconds, inFlight, connections.Length);
        await LetHandlersSettleAsync(connections.Select(c => c.Connection).ToArray()).ConfigureAwait(false);
        foreach (var (connection, _) in connections)
            connection.BeginShutdown();
        var all = Task.WhenAll(connections.Select(c => c.Running));
        using var deadline = new CancellationTokenSource(Options.ShutdownTimeout);
        using (deadline.Token.Register(() => _shutdownDeadline.TrySetResult()))
        {
            if (await Task.WhenAny(all, Task.Delay(Options.ShutdownTimeout + TimeSpan.FromSeconds(3))).ConfigureAwait(false) != all)
            {
                foreach (var (connection, _) in _connections.Values)
                    connection.Abort("the server stopped");
                // Whatever still runs after this is cut off by the process exit; the engine is closed regardless.
                await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// No new deliveries, then a moment for the clients' handlers to settle those they hold, while requests are still
    /// read: a settle that arrived after the goodbye would be refused by the next server (a shared directory's next host
    /// never leased the message), and the message handled again. At most <see cref="SettleGrace"/>, or half the stop's
    /// timeout when that is shorter; a handler still running after it loses its lease as before.
    /// </summary>
    private async Task LetHandlersSettleAsync(ServerConnection[] connections)
    {
        await Task.WhenAll(connections.Select(c => c.StopDeliveriesAsync())).ConfigureAwait(false);
        var grace = TimeSpan.FromTicks(Math.Min(SettleGrace.Ticks, Options.ShutdownTimeout.Ticks / 2));
        var deadline = TimeProvider.System.GetTimestamp() + (long)(grace.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (connections.Any(c => c.Unsettled > 0) && TimeProvider.System.GetTimestamp() < deadline)
            await Task.Delay(SettlePoll).ConfigureAwait(false);
    }

    /// <summary>The longest a graceful stop waits for handlers to settle what they hold.</summary>
    internal static readonly TimeSpan SettleGrace = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(10);

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        Metrics.Dispose();
    }

    internal void Remove(ServerConnection connection)
    {
        LeavePending(connection);
        _connections.TryRemove(connection.Id, out _);
        // A connection closed to make room gave its slot away then; any other gives it back now.
        if (Interlocked.Exchange(ref connection.RoomState, ServerConnection.Removed) == ServerConnection.Serving)
            Interlocked.Decrement(ref _occupiedSlots);
    }

    /// <summary>The connection authenticated (or, without credentials, sent a valid frame): no longer pending.</summary>
    internal void Admitted(ServerConnection connection) => LeavePending(connection);

    internal void LogAuthenticationFailed(ServerConnection connection, string code, string message)
    {
        // Counted before the log line is rate-limited: the metric sees every failure.
        Metrics.AuthenticationFailed(code);
        if (_authenticationFailedLines.TryAcquire(connection.SourceName))
            ServerLog.AuthenticationFailed(Logger, connection.Name, code, message);
    }

    /// <summary>A connection closed for a protocol error: a few lines per source address, then a summary.</summary>
    internal void LogProtocolError(ServerConnection connection, string code, string message)
    {
        if (_protocolErrorLines.TryAcquire(connection.SourceName))
            ServerLog.ProtocolError(Logger, connection.Name, code, message);
    }

    internal void LogSentNothing(ServerConnection connection, double seconds)
    {
        if (_sentNothingLines.TryAcquire(connection.SourceName))
            ServerLog.SentNothing(Logger, connection.Name, seconds);
    }

    private void LeavePending(ServerConnection connection)
    {
        lock (_pendingGate)
        {
            if (connection.PendingNode is { } node)
            {
                _pending.Remove(node);
                connection.PendingNode = null;
            }
        }
    }

    /// <summary>Closes the oldest pending connection, if there is one, so a new connection can have its slot.</summary>
    private bool MakeRoom()
    {
        while (true)
        {
            ServerConnection oldest;
            lock (_pendingGate)
            {
                if (_pending.First is not { } node)
                    return false;
                _pending.Remove(node);
                oldest = node.Value;
                oldest.PendingNode = null;
            }
            // One already closing (timed out, failed) frees its slot soon by itself; it cannot make room now.
            if (!oldest.IsPending)
                continue;
            // Removed meanwhile: its removal gives the slot back, so there is room without closing another.
            if (Interlocked.CompareExchange(ref oldest.RoomState, ServerConnection.ClosedForRoom, ServerConnection.Serving) != ServerConnection.Serving)
                return true;
            Interlocked.Decrement(ref _occupiedSlots);
            var pendingFor = oldest.CloseForRoom();
            Metrics.Evicted();
            if (_madeRoomLines.TryAcquire("room"))
                ServerLog.MadeRoom(Logger, Options.MaxConnections, oldest.Name, pendingFor);
            return true;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                continue;
            }
            catch (Exception ex)
            {
                // Out of file descriptors or buffers (EMFILE, ENFILE, ENOBUFS): the listener is fine and accepts again
                // once the process has some to spare. Ending the loop would leave the port (or a shared directory's socket,
                // with its lock still held) taken by a server that serves nobody.
                if (_acceptFailedLines.TryAcquire("accept"))
                    ServerLog.AcceptFailed(Logger, ex, AcceptRetry.TotalMilliseconds);
                try
                {
                    await Task.Delay(AcceptRetry, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            Accept(socket);
        }
    }

    private static readonly TimeSpan AcceptRetry = TimeSpan.FromMilliseconds(100);

    private void Accept(Socket socket)
    {
        SocketTuning.Apply(socket);
        if (OccupiedSlots >= Options.MaxConnections && !MakeRoom())
        {
            if (_refusedLines.TryAcquire(ClientAddress.Describe(ClientAddress.SourceOf(socket.RemoteEndPoint))))
                ServerLog.TooManyConnections(Logger, socket.RemoteEndPoint?.ToString() ?? "?", _connections.Count);
            Metrics.Refused();
            _ = RefuseAsync(socket);
            return;
        }
        Metrics.Accepted();
        Interlocked.Increment(ref _occupiedSlots);
        var connection = new ServerConnection(this, socket, Interlocked.Increment(ref _nextConnection));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Registered before it runs, so a stop never misses it, and pending before it can be admitted.
        _connections[connection.Id] = (connection, started.Task);
        lock (_pendingGate)
            connection.PendingNode = _pending.AddLast(connection);
        _ = Task.Run(async () =>
        {
            try
            {
                await connection.RunAsync().ConfigureAwait(false);
            }
            finally
            {
                started.TrySetResult();
            }
        });
    }

    /// <summary>Tells a client over the limit why (in plain TCP; a TLS client just sees the close) and closes.</summary>
    private async Task RefuseAsync(Socket socket)
    {
        try
        {
            if (Certificate is null)
            {
                using var buffer = new FrameBuffer(256);
                FrameWriter.WriteError(buffer, 0, ErrorCodes.TooManyConnections, $"The server serves {Options.MaxConnections} connections, its limit; try again later.");
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.SendAsync(buffer.WrittenMemory, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    private void Watch()
    {
        // A timer's callback that throws ends the process: in a shared embedded directory's host, that process is the
        // application. Whatever one round hits (a descriptor or memory shortage), the next round tries again.
        try
        {
            var now = Environment.TickCount64;
            foreach (var (connection, _) in _connections.Values)
                connection.Check(now);
            Sessions.Sweep(now, Options.SessionRetention);
            WriteSummaries();
        }
        catch (Exception ex)
        {
            if (_watchFailedLines.TryAcquire("watch"))
                ServerLog.WatchFailed(Logger, ex);
        }
    }

    private void WriteSummaries()
    {
        Failures.WriteSummaries();
        static string Source(string key) => key == LogRateLimiter.OtherKeys ? "other addresses" : key;
        foreach (var summary in _authenticationFailedLines.TakeSummaries())
            ServerLog.AuthenticationFailedSummary(Logger, summary.Events, Source(summary.Key), summary.Period.TotalSeconds, summary.Suppressed);
        foreach (var summary in _protocolErrorLines.TakeSummaries())
            ServerLog.ProtocolErrorSummary(Logger, summary.Events, Source(summary.Key), summary.Period.TotalSeconds, summary.Suppressed);
        foreach (var summary in _sentNothingLines.TakeSummaries())
            ServerLog.SentNothingSummary(Logger, summary.Events, Source(summary.Key), summary.Period.TotalSeconds, summary.Suppressed);
        foreach (var summary in _refusedLines.TakeSummaries())
            ServerLog.TooManyConnectionsSummary(Logger, summary.Events, Source(summary.Key), summary.Period.TotalSeconds, summary.Suppressed, _connections.Count);
        foreach (var summary in _madeRoomLines.TakeSummaries())
            ServerLog.MadeRoomSummary(Logger, summary.Events, summary.Period.TotalSeconds, Options.MaxConnections);
    }
}

using System.Net.Security;
using System.Net.Sockets;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Broker.Client.Connection;

/// <summary>
/// One TCP (or TLS) connection to the broker server: authenticates, opens the producer session with Hello, then
/// pipelines requests (each waits for the reply with its id, many at once) and hands pushed deliveries to its owner.
/// It never reconnects: once closed it stays closed, failing every request still waiting, and
/// <see cref="ServerQueueTransport"/> opens the next one.
/// </summary>
internal sealed partial class ClientConnection : IAsyncDisposable
{
    // A client trusts its server more than the server trusts its clients, but still bounds what it allocates.
    private const int MinInboundFrameBytes = 16 * 1024 * 1024;
    private const long OutboundLimit = 8 * 1024 * 1024;

    private readonly Stream _stream;
    private readonly FrameReader _reader;
    private readonly OutboundQueue _outbound;
    private readonly IConnectionOwner _owner;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Lock _declareGate = new();
    private readonly Dictionary<uint, PendingRequest> _pending = [];
    private readonly Dictionary<string, ChannelDefinition> _declared = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private ITimer? _deadlines;
    private Exception? _closeReason;
    private ErrorReply? _serverError;
    // The server's graceful goodbye arrived (Error, id 0, ShuttingDown): it answered every request it read.
    private bool _saidGoodbye;
    // When the server last sent anything (Environment.TickCount64), and whether a liveness probe is out.
    private long _lastReceived = Environment.TickCount64;
    private int _probing;
    private ChannelDefinition? _lastDeclared;
    private uint _lastId;

    /// <summary>
    /// How long the server may send nothing while requests wait before it is asked whether it is there, and how long it
    /// then has to answer (<see cref="ServerClientOptions.RequestTimeout"/>).
    /// </summary>
    public TimeSpan Silence { get; init; } = TimeSpan.FromSeconds(30);

    private ClientConnection(string address, Stream stream, IConnectionOwner owner, ILogger logger)
    {
        Address = address;
        _stream = stream;
        _owner = owner;
        _logger = logger;
        _reader = new FrameReader(stream, MinInboundFrameBytes);
        _outbound = new OutboundQueue(stream, OutboundLimit);
    }

    public string Address { get; }

    /// <summary>What the server said in its Welcome.</summary>
    public WelcomeReply Welcome { get; private set; }

    /// <summary>
    /// Which server-side session this connection belongs to: the transport increments it whenever the server did not
    /// resume the session, so a produce sent under an older epoch may have been forgotten.
    /// </summary>
    public long Epoch { get; set; }

    public bool IsOpen => Volatile.Read(ref _closeReason) is null;

    /// <summary>Completes with the reason once the connection is closed.</summary>
    public Task<Exception> Closed => _closed.Task;

    /// <summary>Connects, authenticates and says Hello, within the connect timeout.</summary>
    public static async Task<ClientConnection> OpenAsync(
        ServerAddress address, ServerClientOptions options, UInt128 session, IConnectionOwner owner, ILogger logger, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = address.SocketPath is null
            ? new Socket(SocketType.Stream, ProtocolType.Tcp)
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        Stream? stream = null;
        ClientConnection? connection = null;
        try
        {
            if (address.SocketPath is { } path)
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token).ConfigureAwait(false);
            else
                await socket.ConnectAsync(address.Host, address.Port, timeout.Token).ConfigureAwait(false);
            SocketTuning.Apply(socket);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(tls, timeout.Token).ConfigureAwait(false);
            }
            connection = new ClientConnection(address.ToString(), stream, owner, logger) { Silence = options.RequestTimeout };
            connection.Start();
            if (options.Token is not null || options.User is not null)
            {
                var credentials = new AuthenticateRequest(options.Token, options.User, options.Password);
                await connection.SendAsync(credentials, Replies.Authenticated).WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            var name = options.ClientName ?? DefaultClientName();
            var hello = new HelloRequest(HelloRequest.CurrentVersion, session, name);
            var welcome = await connection.SendAsync(hello, Replies.Welcome).WaitAsync(timeout.Token).ConfigureAwait(false);
            connection.Welcome = welcome;
            connection._reader.MaxFrameBytes = Math.Max(MinInboundFrameBytes, welcome.MaxFrameBytes);
            return connection;
        }
        catch (Exception ex)
        {
            if (connection is not null)
                await connection.DisposeAsync().ConfigureAwait(false);
            else if (stream is not null)
                await stream.DisposeAsync().ConfigureAwait(false);
            else
                socket.Dispose();
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                throw new ServerConnectionException($"Could not connect to the broker server at {address} within {options.ConnectTimeout.TotalSeconds:0.#} s.", ex);
            if (ex is ConnectionLostException lost)
                throw new ServerConnectionException($"The broker server at {address} closed the connection while it was being set up: {lost.InnerException?.Message ?? lost.Message}", lost.InnerException ?? lost);
            throw;
        }
    }

    /// <summary>
    /// Sends a request and returns its reply. Frames go out in call order; replies may come in any order. A closed
    /// connection fails the request with <see cref="ConnectionLostException"/>.
    /// </summary>
    public Task<T> SendAsync<TFrame, T>(in TFrame frame, ReplyParser<T> parser)
        where TFrame : IRequestFrame, allows ref struct => Send(frame, parser, long.MaxValue, null).Reply;

    /// <summary>
    /// Sends a request that the server must answer within <paramref name="timeout"/>: a server that does not is as good
    /// as lost, so the connection is closed (and the transport reconnects). The deadline is watched by one timer per
    /// connection rather than one per request.
    /// </summary>
    public Task<T> RequestAsync<TFrame, T>(TFrame frame, ReplyParser<T> parser, TimeSpan timeout, string what, CancellationToken cancellationToken)
        where TFrame : IRequestFrame, allows ref struct
    {
        var (reply, id) = Send(frame, parser, Environment.TickCount64 + (long)timeout.TotalMilliseconds, what);
        return cancellationToken.CanBeCanceled ? WaitAsync(reply, id, cancellationToken) : reply;
    }

    private async Task<T> WaitAsync<T>(Task<T> reply, uint id, CancellationToken cancellationToken)
    {
        try
        {
            return await reply.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Forget(id);
            throw;
        }
    }

    /// <summary>
    /// Sends the channel's policy once per connection, before the first produce or subscribe that needs it. Not waited
    /// for: the server applies frames of one connection in order, so the request behind it already sees the policy.
    /// </summary>
    public void EnsureDeclared(ChannelDefinition channel)
    {
        // Producers usually send to one channel over and over: skip the lock for the one declared last.
        if (ReferenceEquals(Volatile.Read(ref _lastDeclared), channel))
            return;
        // Held while the Declare frame is queued, so no other caller's request can overtake it.
        lock (_declareGate)
        {
            if (!_declared.TryGetValue(channel.Name, out var declared) || !declared.Equals(channel))
            {
                _declared[channel.Name] = channel;
                _ = DeclareAsync(channel);
            }
            Volatile.Write(ref _lastDeclared, channel);
        }
    }

    /// <summary>Closes the connection now; requests still waiting fail with <see cref="ConnectionLostException"/>.</summary>
    public void Abort(Exception reason)
    {
        PendingRequest[] waiting;
        bool unread;
        lock (_gate)
        {
            if (_closeReason is not null) return;
            if (_serverError is { } error && reason is not ObjectDisposedException)
                reason = new BrokerServerException(error.Code, error.Message);
            Volatile.Write(ref _closeReason, reason);
            waiting = [.. _pending.Values];
            _pending.Clear();
            // The server's graceful goodbye says it answered every request it read: those still waiting never reached
            // it, and are sent again on the next connection as if never sent (a produce is then not "outcome unknown").
            unread = _saidGoodbye;
        }
        foreach (var pending in waiting)
            pending.Fail(new ConnectionLostException($"The connection to the broker server at {Address} was lost: {reason.Message}", wasSent: !unread, reason));
        Publish([.. waiting]);
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
        }
        _closed.TrySetResult(reason);
    }

    public async ValueTask DisposeAsync()
    {
        Abort(new ObjectDisposedException(nameof(ClientConnection), "The connection was closed by this client."));
        if (_deadlines is not null)
            await _deadlines.DisposeAsync().ConfigureAwait(false);
        await _outbound.DisposeAsync().ConfigureAwait(false);
        await _readLoop.ConfigureAwait(false);
        _reader.Dispose();
    }

    private static string DefaultClientName()
    {
        var process = Environment.ProcessPath is { } path ? Path.GetFileNameWithoutExtension(path) : "dotnet";
        return process + "[" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
    }

    private void Start()
    {
        _readLoop = Task.Run(ReadLoopAsync);
        _ = WatchOutboundAsync();
        _deadlines = TimeProvider.System.CreateTimer(static s => ((ClientConnection)s!).CheckDeadlines(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private void CheckDeadlines()
    {
        var now = Environment.TickCount64;
        PendingRequest? late = null;
        bool waiting;
        lock (_gate)
        {
            waiting = _pending.Count > 0;
            foreach (var pending in _pending.Values)
            {
                if (pending.Deadline < now)
                {
                    late = pending;
                    break;
                }
            }
        }
        if (late is not null)
        {
            Abort(new TimeoutException($"The broker server at {Address} did not answer a {late.What ?? "request"} in time."));
            return;
        }
        // Produces wait without a deadline (a slow disk is no reason to give up on them), so a server that froze (stopped,
        // in a debugger, deadlocked) would hold them for ever: its socket stays open, and a Unix socket has no keep-alive.
        // After a silence as long as a request's timeout while requests wait, it is asked for a channel's counts, which
        // it answers from memory; no answer within that timeout closes the connection as lost, like any late request.
        if (waiting && now - Volatile.Read(ref _lastReceived) > (long)Silence.TotalMilliseconds && Interlocked.Exchange(ref _probing, 1) == 0)
            _ = ProbeAsync();
    }

    /// <summary>The liveness question (see <see cref="CheckDeadlines"/>): any answer, even an error, is proof of life.</summary>
    private async Task ProbeAsync()
    {
        try
        {
            await RequestAsync(new ChannelRequest(MessageType.Stats, ProbeChannel, 0), Replies.Stats, Silence, "liveness probe (it had sent nothing while requests waited)", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ConnectionLostException or BrokerServerException or TimeoutException)
        {
            // Lost: the transport reconnects. Refused: it answered, so it lives.
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    // A valid channel name the probe asks about; asking creates nothing (the engine answers zeros for an unknown channel).
    private const string ProbeChannel = "broker-liveness-probe";

    private (Task<T> Reply, uint Id) Send<TFrame, T>(in TFrame frame, ReplyParser<T> parser, long deadline, string? what)
        where TFrame : IRequestFrame, allows ref struct
    {
        var pending = new PendingReply<T>(parser) { Deadline = deadline, What = what };
        uint id;
        using (var scope = _outbound.Enter())
        {
            lock (_gate)
            {
                if (_closeReason is { } reason)
                    return (Task.FromException<T>(new ConnectionLostException($"The connection to the broker server at {Address} is closed: {reason.Message}", wasSent: false, reason)), 0);
                // 0 is never a request id: Deepkit pushes use it.
                id = ++_lastId == 0 ? ++_lastId : _lastId;
                _pending.Add(id, pending);
            }
            try
            {
                frame.Write(scope.Buffer, id);
            }
            catch
            {
                scope.Discard();
                Forget(id);
                throw;
            }
        }
        return (pending.Task, id);
    }

    private void Forget(uint id)
    {
        lock (_gate) _pending.Remove(id);
    }

    private async Task DeclareAsync(ChannelDefinition channel)
    {
        try
        {
            await SendAsync(DeclareRequest.From(channel), Replies.Ack).ConfigureAwait(false);
        }
        catch (ConnectionLostException)
        {
            // The next connection declares it again.
        }
        catch (Exception ex)
        {
            LogDeclareFailed(_logger, ex, channel.Name, Address);
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception reason;
        try
        {
            while (await _reader.FillAsync(CancellationToken.None).ConfigureAwait(false))
            {
                Volatile.Write(ref _lastReceived, Environment.TickCount64);
                List<PendingRequest>? answered = null;
                while (_reader.TryTake(out var offset, out var length))
                {
                    if (Handle(_reader.Buffer.AsSpan(offset, length)) is { } pending)
                        (answered ??= []).Add(pending);
                }
                if (answered is not null)
                    Publish(answered);
            }
            reason = new IOException($"The broker server at {Address} closed the connection.");
        }
        catch (Exception ex)
        {
            reason = ex;
        }
        Abort(reason);
    }

    private static readonly TimeSpan ReadToEndAfterWriteFailure = TimeSpan.FromSeconds(5);

    private async Task WatchOutboundAsync()
    {
        try
        {
            await _outbound.Completion.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A write fails when the server has closed its end, and what it said before closing (a graceful goodbye,
            // which tells that the requests still waiting never reached it) is still to be read: the read loop gets a
            // moment to reach the end of the stream and close the connection with that, before this closes it blind.
            await Task.WhenAny(_readLoop, Task.Delay(ReadToEndAfterWriteFailure)).ConfigureAwait(false);
            Abort(ex);
        }
    }

    /// <summary>Completes the callers of a batch of replies from one work item (see <see cref="PendingRequest.Publish"/>).</summary>
    private static void Publish(List<PendingRequest> answered)
    {
        if (answered.Count == 0) return;
        ThreadPool.UnsafeQueueUserWorkItem(static batch =>
        {
            foreach (var pending in batch)
                pending.Publish();
        }, answered, preferLocal: false);
    }

    /// <returns>The request the frame answers, to be published with its batch; null for anything else.</returns>
    private PendingRequest? Handle(ReadOnlySpan<byte> frame)
    {
        var header = FrameHeader.Read(frame);
        var body = frame[FrameHeader.Length..];
        if (header.Route == RouteType.Server)
        {
            if (header.Type == MessageType.Delivery)
                _owner.OnDelivery(this, DeliveryPush.Read(body));
            return null;
        }
        PendingRequest? pending;
        lock (_gate)
            _pending.Remove(header.Id, out pending);
        if (pending is not null)
        {
            pending.Accept(header.Type, body);
            return pending;
        }
        if (header.Type == MessageType.Error)
        {
            // Not the answer to a request: the server explains why it is about to close the connection. Only a
            // ShuttingDown with id 0 is the graceful goodbye (an error for a request this client gave up on is not).
            var error = ErrorReply.Read(body);
            lock (_gate)
            {
                _serverError = error;
                _saidGoodbye |= header.Id == 0 && error.Code == ErrorCodes.ShuttingDown;
            }
            LogServerError(_logger, Address, error.Code, error.Message);
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not declare channel '{Channel}' on the broker server at {Address}; it keeps its previous policy")]
    private static partial void LogDeclareFailed(ILogger logger, Exception ex, string channel, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker server at {Address} reports {Code}: {Message}")]
    private static partial void LogServerError(ILogger logger, string address, string code, string message);
}

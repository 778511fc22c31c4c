using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Broker.Bson;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Configuration;
using Broker.Server.Deepkit;
using Broker.Server.Security;
using Broker.Server.Sessions;
using Broker.Server.Subscriptions;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Network;

/// <summary>
/// One client connection. A single read loop cuts frames (each size checked against the frame limit before any
/// allocation) and handles them in order: cheap requests at once, engine calls started in frame order (so pipelined
/// produces keep their order) and answered when the engine completes them, many in flight at a time. Replies and
/// pushes leave through one <see cref="OutboundQueue"/>, batched into few socket writes. A malformed frame closes this
/// connection with an Error frame and touches nothing else; closing disposes its subscriptions, so the leases they
/// held are lost at once and their messages go to other workers. What only Deepkit's client sends (QueuePublish, its
/// subscriptions, chunked frames) is handed to a <see cref="DeepkitHandler"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "RunAsync owns the connection's lifetime and disposes everything in FinishAsync, however the connection ends.")]
internal sealed partial class ServerConnection
{
    /// <summary><see cref="RoomState"/>: served (or closing for another reason).</summary>
    internal const int Serving = 0;

    /// <summary><see cref="RoomState"/>: closed to make room; its slot already went to a new connection.</summary>
    internal const int ClosedForRoom = 1;

    /// <summary><see cref="RoomState"/>: removed from the server.</summary>
    internal const int Removed = 2;

    /// <summary>
    /// The largest frame a connection may send before it authenticates, on a server with credentials: 64 KiB, the size
    /// of the read buffer every connection starts with, so a pending connection never makes it grow. An Authenticate
    /// frame (a token, or a user and password) takes a few hundred bytes.
    /// </summary>
    internal const int PendingMaxFrameBytes = 64 * 1024;

    /// <summary>Whether the server closed this connection to make room; changed by the server with Interlocked only.</summary>
    internal int RoomState;

    /// <summary>This connection's place in the server's list of pending connections; guarded by that list's lock.</summary>
    internal LinkedListNode<ServerConnection>? PendingNode;

    private readonly BrokerServer _server;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stopReading = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<int, ForwardedSubscription> _subscriptions = [];
    private readonly DeepkitHandler _deepkit;
    // The credit the open subscriptions asked for, Deepkit's (draining ones included) too; guarded by _gate.
    private long _unsettledCredit;
    private readonly InFlight _inFlight;
    private readonly long _acceptedAt;
    private readonly long _authDeadline;
    private Stream? _stream;
    private FrameReader? _reader;
    private FrameIdWatcher? _frameIds;
    private OutboundQueue? _outbound;
    private ProducerSession? _session;
    private volatile bool _authenticated;
    // Pending until admitted: authenticated, or (without credentials) a first valid frame handled.
    private volatile bool _admitted;
    private volatile bool _shuttingDown;
    private volatile string? _closeReason;
    private uint _frameId;
    // A password-hash verification of this connection's Authenticate, which the read loop awaits before the next frame.
    private Task? _verifying;
    // The id of an Authenticate whose password hash is waiting for its turn, or -1; the watchdog takes it at the deadline.
    private long _hashWaitingFor = -1;
    private int _finished;

    public ServerConnection(BrokerServer server, Socket socket, long id)
    {
        _server = server;
        _socket = socket;
        Id = id;
        Remote = socket.RemoteEndPoint?.ToString() ?? "?";
        Source = ClientAddress.SourceOf(socket.RemoteEndPoint);
        SourceName = ClientAddress.Describe(Source);
        Name = $"#{id} {Remote}";
        var options = server.Options;
        _inFlight = new InFlight(options.MaxInFlightRequests, options.MaxInFlightBytes);
        _authenticated = !server.Credentials.Required;
        _deepkit = new DeepkitHandler(this, _gate, FrameLimit);
        // Every connection, with credentials or without, TLS or not, has until the deadline to be admitted.
        _acceptedAt = Environment.TickCount64;
        _authDeadline = _acceptedAt + (long)options.AuthTimeout.TotalMilliseconds;
    }

    public long Id { get; }

    public string Remote { get; }

    /// <summary>The source address the connection is throttled and summarised under (IPv4 address, IPv6 /64).</summary>
    public System.Net.IPAddress Source { get; }

    /// <summary>How logs name <see cref="Source"/>.</summary>
    public string SourceName { get; }

    /// <summary>Not yet admitted (authenticated, or without credentials a first valid frame) and not closing.</summary>
    public bool IsPending => !_admitted && _closeReason is null;

    /// <summary>How logs name the connection: its number, peer, and client name once it said Hello.</summary>
    public string Name { get; private set; }

    public int RequestsInFlight => _inFlight.Requests;

    /// <summary>Bytes of replies and deliveries queued for the socket and not yet written.</summary>
    public long OutboundBytes => _outbound?.QueuedBytes ?? 0;

    /// <summary>The size of the buffer frames are read into now (for tests and diagnostics).</summary>
    public int ReadBufferBytes => _reader?.Buffer.Length ?? 0;

    /// <summary>The most bytes the outbound queue ever held at once.</summary>
    public long OutboundPeakBytes => _outbound?.PeakQueuedBytes ?? 0;

    /// <summary>The server this connection belongs to.</summary>
    internal BrokerServer Server => _server;

    /// <summary>Whether the connection is closing: what is opened now is closed at once.</summary>
    internal bool IsClosing => _closeReason is not null;

    private BrokerServerOptions Options => _server.Options;

    private ILogger Logger => _server.Logger;

    /// <summary>
    /// The largest frame this connection may send now: small until it authenticates (on a server with credentials), so
    /// a thousand sockets that never do cannot each make the server hold a buffer of <c>--max-frame-bytes</c>; then the
    /// full limit. Without credentials the listener is loopback only and the first frame admits the connection, so it
    /// has the full limit from the start.
    /// </summary>
    private int FrameLimit => _authenticated ? Options.MaxFrameBytes : Math.Min(PendingMaxFrameBytes, Options.MaxFrameBytes);

    /// <summary>Where replies and pushes are queued; set once the handshake is done, before any frame is read.</summary>
    internal OutboundQueue Outbound => _outbound!;

    /// <summary>Serves the connection until it closes.</summary>
    public async Task RunAsync()
    {
        ServerLog.ConnectionOpened(Logger, Name);
        try
        {
            _stream = await HandshakeAsync().ConfigureAwait(false);
            _outbound = new OutboundQueue(_stream, Options.MaxOutboundBytes);
            // A zero-byte read waits for the first bytes without a buffer: a pending connection that sends nothing
            // holds no 64 KiB read buffer, so a thousand idle sockets cost little memory.
            await _stream.ReadAsync(Memory<byte>.Empty, _stopReading.Token).ConfigureAwait(false);
            _frameIds = new FrameIdWatcher(_stream);
            _reader = new FrameReader(_frameIds, FrameLimit);
            while (await _reader.FillAsync(_stopReading.Token).ConfigureAwait(false))
            {
                while (TryTakeFrame(out var offset, out var length))
                {
                    Dispatch(_reader.Buffer.AsSpan(offset, length));
                    if (_verifying is { } verifying)
                    {
                        _verifying = null;
                        await verifying.ConfigureAwait(false);
                    }
                    if (_closeReason is not null) return;
                    if (!_admitted && !_server.Credentials.Required)
                        Admit();
                    // An error raised outside a frame's handling is not about that frame.
                    _frameId = 0;
                    if (_inFlight.IsFull || Outbound.QueuedBytes >= Outbound.Limit)
                        await WaitForRoomAsync().ConfigureAwait(false);
                }
            }
            _closeReason ??= "the client closed the connection";
        }
        catch (ProtocolException ex)
        {
            CloseWithError(_frameId, ex.Code, ex.Message);
        }
        catch (OperationCanceledException) when (_stopReading.IsCancellationRequested)
        {
            _closeReason ??= _shuttingDown ? "the server is stopping" : "closed by the server";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            _closeReason ??= ex.Message;
        }
        catch (Exception ex)
        {
            _closeReason ??= ex.Message;
            ServerLog.RequestFailed(Logger, ex, Name, "read");
        }
        finally
        {
            await FinishAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops reading requests; the read loop then lets the requests in flight finish, says goodbye and closes.</summary>
    public void BeginShutdown()
    {
        _shuttingDown = true;
        StopReading();
    }

    private void StopReading()
    {
        try
        {
            _stopReading.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes the connection at once (slow consumer, superseded session, shutdown timeout).</summary>
    public void Abort(string reason)
    {
        _closeReason ??= reason;
        StopReading();
        try
        {
            _socket.Close();
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>Closes a pending connection at once so a new one can have its slot.</summary>
    /// <returns>How long it had been pending, in milliseconds.</returns>
    public long CloseForRoom()
    {
        var pendingFor = Environment.TickCount64 - _acceptedAt;
        ServerLog.PendingClosedForRoom(Logger, Name, pendingFor, Options.MaxConnections);
        // No Error frame: the slot is needed now, not after a write.
        Abort("its slot went to a new connection: it had not authenticated or sent a request");
        return pendingFor;
    }

    /// <summary>Called by the server's watchdog a few times a second.</summary>
    public void Check(long nowMs)
    {
        if (!_admitted && nowMs > _authDeadline && _closeReason is null)
        {
            // Its Authenticate came in time and waits behind other sources' password hashing: the server is busy, the
            // client did nothing wrong, and Broker's client retries a busy answer instead of reporting bad credentials.
            if (Interlocked.Exchange(ref _hashWaitingFor, -1) is var waiting and >= 0)
            {
                RefuseBusy((uint)waiting);
                StopReading();
                return;
            }
            var seconds = Options.AuthTimeout.TotalSeconds;
            var text = seconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
            if (_server.Credentials.Required)
                _server.LogAuthenticationFailed(this, ErrorCodes.Unauthenticated, _outbound is null ? $"no TLS handshake within {text} s" : $"no authentication within {text} s");
            else
                _server.LogSentNothing(this, seconds);
            if (_outbound is not null)
                CloseWithError(0, ErrorCodes.Unauthenticated, _server.Credentials.Required ? $"Authenticate within {text} s of connecting." : $"Send a request within {text} s of connecting.", logged: true);
            else
                Abort($"no TLS handshake within {text} s");
            StopReading();
            return;
        }
        if (_outbound is { } outbound && outbound.IsStalled(nowMs, (long)Options.WriteTimeout.TotalMilliseconds) && _closeReason is null)
        {
            ServerLog.SlowConsumer(Logger, Name, Options.WriteTimeout.TotalSeconds, outbound.QueuedBytes);
            _server.Metrics.SlowConsumer();
            Abort("slow consumer: the socket accepted no data for " + Options.WriteTimeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s");
        }
    }

    private async Task<Stream> HandshakeAsync()
    {
        Stream stream = new NetworkStream(_socket, ownsSocket: true);
        if (_server.Certificate is not { } certificate)
            return stream;
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopReading.Token);
        timeout.CancelAfter(Options.AuthTimeout);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, timeout.Token).ConfigureAwait(false);
        return ssl;
    }

    private bool TryTakeFrame(out int offset, out int length)
    {
        try
        {
            return _reader!.TryTake(out offset, out length);
        }
        catch (ProtocolException ex)
        {
            // Refused before it was handed out (its size is over the limit): the Error carries the frame's own id when
            // its header arrived, else 0; never the id of the request before it.
            _frameId = ex.Code == ErrorCodes.FrameTooLarge ? _frameIds!.CurrentId : 0;
            if (ex.Code == ErrorCodes.FrameTooLarge && !_authenticated)
                throw new ProtocolException(ErrorCodes.FrameTooLarge, $"{ex.Message} Until a connection authenticates it may send frames of up to {FrameLimit} bytes (an Authenticate is small); after that, up to {Options.MaxFrameBytes}.", ex);
            throw;
        }
    }

    private async Task WaitForRoomAsync()
    {
        // Not reading is the back-pressure: the client's socket buffer fills and its sends wait.
        while (_inFlight.IsFull || Outbound.QueuedBytes >= Outbound.Limit)
        {
            await _inFlight.WaitForRoomAsync(_stopReading.Token).ConfigureAwait(false);
            await Outbound.WaitForSpaceAsync(_stopReading.Token).ConfigureAwait(false);
        }
    }

    /// <param name="frame">The frame, header included.</param>
    /// <param name="enclosingId">For a frame reassembled from chunks, the chunks' id: an Error about a header too broken
    /// to read the frame's own id then still answers the request it came with, not id 0.</param>
    internal void Dispatch(ReadOnlySpan<byte> frame, uint enclosingId = 0)
    {
        _frameId = enclosingId;
        var header = FrameHeader.Read(frame);
        _frameId = header.Id;
        if (header.Route != RouteType.Client)
            throw new ProtocolException(ErrorCodes.Malformed, "Clients send route type 0 only.");
        var body = frame[FrameHeader.Length..];
        try
        {
            if (!_authenticated)
            {
                if (header.Type != MessageType.Authenticate)
                    throw new ProtocolException(ErrorCodes.Unauthenticated, "This server requires authentication: send Authenticate first.");
                Authenticate(header.Id, body);
                return;
            }
            Handle(header.Id, header.Type, body);
        }
        catch (ProtocolException ex) when (!IsFatal(ex.Code))
        {
            ReplyError(header.Id, ex.Code, ex.Message);
        }
        catch (BsonFormatException ex)
        {
            throw new ProtocolException(ErrorCodes.Malformed, $"The body of a {header.Type} frame is not valid: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            ReplyError(header.Id, ErrorCodes.InvalidRequest, ErrorText.Of(ex));
        }
    }

    private void Handle(uint id, MessageType type, ReadOnlySpan<byte> body)
    {
        switch (type)
        {
            case MessageType.Authenticate: Authenticate(id, body); break;
            case MessageType.Chunk: _deepkit.Chunk(id, body); break;
            case MessageType.ChunkAck: break; // Deepkit clients acknowledge chunks this server never sends
            case MessageType.Ack: break;
            case MessageType.Hello: Hello(id, body); break;
            case MessageType.Declare: Declare(id, body); break;
            case MessageType.Produce: Produce(id, body); break;
            case MessageType.QueuePublish: _deepkit.Publish(id, body); break;
            case MessageType.Subscribe: Subscribe(id, body); break;
            case MessageType.Settle: Settle(id, body); break;
            case MessageType.Renew: Renew(id, body); break;
            case MessageType.StopDeliveries: StopDeliveries(id, body); break;
            case MessageType.Unsubscribe: Unsubscribe(id, body); break;
            case MessageType.QueueSubscribe: _deepkit.Subscribe(id, body); break;
            case MessageType.QueueUnsubscribe: _deepkit.Unsubscribe(id, body); break;
            case MessageType.QueueMessageHandled: _deepkit.Handled(id, body); break;
            case MessageType.ListDeadLetters: ListDeadLetters(id, body); break;
            case MessageType.GetDeadLetter: GetDeadLetter(id, body); break;
            case MessageType.RedriveDeadLetter: RedriveDeadLetter(id, body); break;
            case MessageType.DeleteDeadLetter: DeleteDeadLetter(id, body); break;
            case MessageType.Stats: Stats(id, body); break;
            case MessageType.ListChannels: ListChannels(id, body); break;
            case MessageType.GetChannel: GetChannel(id, body); break;
            case MessageType.Peek: Peek(id, body); break;
            case MessageType.Purge: Purge(id, body); break;
            case MessageType.ServerStatus: ServerStatus(id); break;
            default: throw new ProtocolException(ErrorCodes.UnknownMessage, $"Message type {(byte)type} is not supported by this server.");
        }
    }

    private void Authenticate(uint id, ReadOnlySpan<byte> body)
    {
        var request = AuthenticateRequest.Read(body);
        if (_authenticated)
        {
            // No credentials required (or already given): a Deepkit client with a secretKey still waits for an answer.
            using var scope = Outbound.Enter();
            AuthenticateResponse.Write(scope.Buffer, id, _server.Credentials.User ?? "anonymous");
            return;
        }
        // A source that used up its attempts is refused before any verification work.
        if (!_server.Throttle.TryAcquire(Source, out var retryAfter))
            throw new ProtocolException(ErrorCodes.AuthenticationFailed, $"Too many failed authentications from {SourceName}: throttled; retry in {Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)):0} s.");
        var check = _server.Credentials.Check(request);
        if (check.Accepted)
            Authenticated(id, check.User!);
        else if (check.NeedsHashWork)
            _verifying = VerifyHashAsync(id, check.Password!, check.UserMatches);
        else
            throw InvalidCredentials();
    }

    /// <summary>PBKDF2 through the server's limiter: never on this read loop, never more than a few at once.</summary>
    private async Task VerifyHashAsync(uint id, string password, bool userMatches)
    {
        var credentials = _server.Credentials;
        Volatile.Write(ref _hashWaitingFor, id);
        bool? verified;
        try
        {
            verified = await _server.PasswordHashes.RunAsync(Source, () =>
            {
                Volatile.Write(ref _hashWaitingFor, -1);
                return credentials.VerifyHash(password, userMatches);
            }, _stopReading.Token).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _hashWaitingFor, -1);
        }
        if (_closeReason is not null)
            return; // closed meanwhile (--auth-timeout, shutdown): the verdict has no one to go to
        if (verified is null)
        {
            RefuseBusy(id);
            return;
        }
        if (!verified.Value)
            throw InvalidCredentials();
        Authenticated(id, credentials.User!);
    }

    private void Authenticated(uint id, string user)
    {
        _authenticated = true;
        // The read loop awaits this verification before it looks at the next frame, so that frame gets the full limit.
        _reader!.MaxFrameBytes = FrameLimit;
        _deepkit.MaxChunkedFrameBytes = FrameLimit;
        Admit();
        _server.Throttle.Refund(Source);
        using var scope = Outbound.Enter();
        AuthenticateResponse.Write(scope.Buffer, id, user);
    }

    /// <summary>Closes a connection whose Authenticate the server could not verify: its password hashing is busy.</summary>
    private void RefuseBusy(uint id)
    {
        // Nothing was checked, so the attempt is given back. TooManyConnections, not AuthenticationFailed: Broker's
        // client then retries with backoff instead of reporting wrong credentials.
        _server.Throttle.Refund(Source);
        const string busy = "The server is busy verifying passwords; retry in a moment.";
        _server.LogAuthenticationFailed(this, ErrorCodes.TooManyConnections, busy);
        CloseWithError(id, ErrorCodes.TooManyConnections, busy, logged: true);
    }

    private static ProtocolException InvalidCredentials() => new(ErrorCodes.AuthenticationFailed, "Invalid credentials.");

    private void Admit()
    {
        _admitted = true;
        _server.Admitted(this);
    }

    private static bool IsFatal(string code) =>
        code is ErrorCodes.Malformed or ErrorCodes.FrameTooLarge or ErrorCodes.Unauthenticated or ErrorCodes.AuthenticationFailed;

    private void ReplyError(uint id, string code, string message)
    {
        _server.Metrics.Error(code);
        WriteError(id, code, message);
    }

    /// <summary>Queues an Error frame without counting it (the goodbye of a graceful stop is no error).</summary>
    private void WriteError(uint id, string code, string message)
    {
        using var scope = Outbound.Enter();
        FrameWriter.WriteError(scope.Buffer, id, code, message);
    }

    internal void ReplyAck(uint id)
    {
        using var scope = Outbound.Enter();
        FrameWriter.WriteEmpty(scope.Buffer, id, MessageType.Ack);
    }

    /// <summary>
    /// Answers a failed request. The code tells the client whether it took effect: only StoreOutcomeUnknown leaves that
    /// open; every other failure means nothing was stored. Server-side failures are logged, at a bounded rate.
    /// </summary>
    private void ReplyFailure(uint id, MessageType type, Exception exception)
    {
        var (code, message) = exception switch
        {
            ProtocolException protocol => (protocol.Code, protocol.Message),
            ArgumentException argument => (ErrorCodes.InvalidRequest, ErrorText.Of(argument)),
            ObjectDisposedException => (ErrorCodes.ShuttingDown, "The server is shutting down."),
            Engine.ChannelLimitException limit => (ErrorCodes.LimitReached, limit.Message),
            Engine.Storage.StoreFullException full => (ErrorCodes.StorageFull, $"The server's disk is full; the {type} request was not stored. Retry once space is free: {full.Message}"),
            Engine.Storage.StoreOutcomeUnknownException unknown => (ErrorCodes.StoreOutcomeUnknown, $"The server's log failed while storing the {type} request, so whether it was stored is unknown (if it was, it will be delivered): {unknown.Message}"),
            _ => (ErrorCodes.ServerError, $"The server could not complete the {type} request: {exception.Message}"),
        };
        if (exception is not ProtocolException && code is ErrorCodes.ServerError or ErrorCodes.LimitReached or ErrorCodes.StorageFull or ErrorCodes.StoreOutcomeUnknown)
            _server.Failures.Failed(Name, type.ToString(), exception);
        ReplyError(id, code, message);
    }

    /// <summary>Sends an Error frame and closes the connection once it is written.</summary>
    private void CloseWithError(uint id, string code, string message, bool logged = false)
    {
        if (_closeReason is not null) return;
        _closeReason = $"{code}: {message}";
        if (!logged && code is ErrorCodes.Unauthenticated or ErrorCodes.AuthenticationFailed)
            _server.LogAuthenticationFailed(this, code, message);
        else if (!logged)
            _server.LogProtocolError(this, code, message);
        if (_outbound is not null)
            ReplyError(id, code, message);
    }

    private async Task FinishAsync()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) return;
        if (_shuttingDown && _outbound is not null)
        {
            // Graceful stop: what was accepted is finished (stored, answered) before the goodbye. The goodbye promises the
            // client that every request without an answer before it was never read, so it may send those again elsewhere
            // (the next host of a shared embedded directory): it is said only when that is true. Requests the stop's
            // deadline cut off may have taken effect, so then the connection closes without it.
            var drained = _inFlight.WaitForNoneAsync();
            await Task.WhenAny(drained, _server.ShutdownDeadline).ConfigureAwait(false);
            if (drained.IsCompleted)
                WriteError(0, ErrorCodes.ShuttingDown, "The server is stopping; it answered every request it read and reads no more.");
        }

        // The leases of a closed connection are lost at once: their messages go to other workers now.
        ForwardedSubscription[] subscriptions;
        DeepkitSubscription[] deepkit;
        lock (_gate)
        {
            subscriptions = [.. _subscriptions.Values];
            deepkit = _deepkit.TakeAllLocked();
            _subscriptions.Clear();
        }
        foreach (var subscription in subscriptions)
            await subscription.Engine.DisposeAsync().ConfigureAwait(false);
        foreach (var subscription in deepkit)
            await subscription.Engine.DisposeAsync().ConfigureAwait(false);
        _session?.Detach(this, Environment.TickCount64);

        if (_outbound is not null)
        {
            try
            {
                await _outbound.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or ObjectDisposedException)
            {
            }
        }
        try
        {
            if (_stream is not null) await _stream.DisposeAsync().ConfigureAwait(false);
            else _socket.Dispose();
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
        }
        if (_outbound is not null)
            await _outbound.DisposeAsync().ConfigureAwait(false);
        foreach (var subscription in subscriptions)
            await subscription.CloseAsync().ConfigureAwait(false);
        foreach (var subscription in deepkit)
            await subscription.CloseAsync().ConfigureAwait(false);
        _reader?.Dispose();
        _deepkit.Dispose();
        ServerLog.ConnectionClosed(Logger, Name, _closeReason ?? "closed");
        _server.Remove(this);
    }

    /// <summary>
    /// Follows the frame boundaries in the bytes the <see cref="FrameReader"/> reads, so the id of the frame being
    /// received is known even when the reader refuses that frame for its size before handing it out. Reads only; the
    /// inner stream belongs to the connection.
    /// </summary>
    private sealed class FrameIdWatcher(Stream inner) : Stream
    {
        private readonly byte[] _header = new byte[FrameHeader.Length];
        private int _headerBytes;
        private long _bodyLeft;

        /// <summary>The id of the latest frame whose whole header arrived; 0 while a frame's header is incomplete.</summary>
        public uint CurrentId { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        // Pooled: this runs for every socket read of every connection, and should not allocate for it.
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Observe(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Observe(buffer.AsSpan(offset, read));
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private void Observe(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                if (_bodyLeft > 0)
                {
                    var skip = (int)Math.Min(_bodyLeft, data.Length);
                    _bodyLeft -= skip;
                    data = data[skip..];
                    continue;
                }
                if (_headerBytes == 0)
                    CurrentId = 0;
                var take = Math.Min(FrameHeader.Length - _headerBytes, data.Length);
                data[..take].CopyTo(_header.AsSpan(_headerBytes));
                _headerBytes += take;
                data = data[take..];
                if (_headerBytes < FrameHeader.Length)
                    continue;
                _headerBytes = 0;
                CurrentId = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(5));
                _bodyLeft = Math.Max(0, FrameHeader.ReadSize(_header) - (long)FrameHeader.Length);
            }
        }
    }
}

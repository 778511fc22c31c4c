namespace Broker.Protocol;

/// <summary>
/// One connection's outgoing frames: any thread encodes frames into the pending buffer under a short lock, and one
/// write loop sends everything pending in a single socket write, so many replies and deliveries share a system call.
/// Bytes queued and not yet written are counted. Senders that can wait (deliveries, dead-letter pages) reserve room for
/// their whole frame first (<see cref="ReserveAsync"/>), so those frames never take the queue past <see cref="Limit"/>,
/// however many senders there are; replies that cannot wait are queued at once. A write that makes no progress for long
/// (no slice of <see cref="WriteSliceBytes"/> taken by the socket) is visible through <see cref="IsStalled"/>.
/// </summary>
public sealed class OutboundQueue : IAsyncDisposable
{
    /// <summary>
    /// The most one socket write sends before the stall clock restarts: a reader taking 256 KiB per write timeout (10 s
    /// by default: 26 KB/s) is slow but alive.
    /// </summary>
    internal const int WriteSliceBytes = 256 * 1024;

    private readonly Stream _stream;
    private readonly Lock _gate = new();
    private readonly AsyncAutoResetSignal _wake = new();
    private readonly Task _loop;
    private FrameBuffer _pending = new();
    private FrameBuffer _writing = new();
    private TaskCompletionSource? _space;
    // Senders waiting for room, served in order so a large frame is never overtaken for ever by small ones.
    private readonly Queue<Reservation> _waiting = new();
    private long _reservedBytes;
    private Exception? _fault;
    private long _queuedBytes;
    private long _peakQueuedBytes;
    private long _writeStartedAt;
    private bool _loopIdle;
    private bool _completing;
    private bool _disposed;

    /// <summary>Starts the write loop on <paramref name="stream"/>.</summary>
    /// <param name="stream">The connection's stream; the queue writes to it and does not own it.</param>
    /// <param name="limit">Bytes queued above which senders wait (see <see cref="Limit"/>).</param>
    public OutboundQueue(Stream stream, long limit)
    {
        _stream = stream;
        Limit = limit;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Bytes queued above which <see cref="WaitForSpaceAsync"/> waits.</summary>
    public long Limit { get; }

    /// <summary>Bytes queued and not yet written (read without the lock: callers only compare it with the limit).</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>The most bytes ever queued at once (for tests and diagnostics: how far past the limit the queue went).</summary>
    public long PeakQueuedBytes => Interlocked.Read(ref _peakQueuedBytes);

    /// <summary>Completes when the write loop ends: drained after <see cref="CompleteAsync"/>, or failed.</summary>
    public Task Completion => _loop;

    /// <summary>Starts encoding frames; dispose the scope to queue them.</summary>
    public WriteScope Enter() => new(this, 0);

    /// <summary>
    /// Starts encoding the frame room was reserved for with <see cref="ReserveAsync"/>; disposing the scope queues it
    /// and ends the reservation (room it did not use goes to the next sender).
    /// </summary>
    public WriteScope Enter(int reserved) => new(this, reserved);

    /// <summary>
    /// Waits until a frame of <paramref name="bytes"/> fits and reserves room for it: granted when the bytes queued and
    /// reserved, plus these, stay within <see cref="Limit"/>, or when nothing is queued or reserved (so a frame larger
    /// than the limit still goes, alone). Senders are served in the order they asked. Write the frame with
    /// <see cref="Enter(int)"/>, or give the room back with <see cref="Unreserve"/>.
    /// </summary>
    /// <exception cref="IOException">The connection failed or is closing.</exception>
    public ValueTask ReserveAsync(int bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Reservation waiter;
        lock (_gate)
        {
            if (_fault is not null)
                return ValueTask.FromException(new IOException("The connection is closed.", _fault));
            if (_waiting.Count == 0 && FitsLocked(bytes))
            {
                _reservedBytes += bytes;
                return ValueTask.CompletedTask;
            }
            waiter = new Reservation(bytes);
            _waiting.Enqueue(waiter);
        }
        return new ValueTask(WaitForGrantAsync(waiter, cancellationToken));
    }

    /// <summary>Gives back room reserved for a frame that will not be written (its delivery was skipped).</summary>
    public void Unreserve(int bytes)
    {
        lock (_gate)
        {
            _reservedBytes -= bytes;
            GrantLocked();
        }
    }

    /// <summary>Waits until the queued bytes are below the limit.</summary>
    /// <exception cref="IOException">The connection failed.</exception>
    public ValueTask WaitForSpaceAsync(CancellationToken cancellationToken)
    {
        Task space;
        lock (_gate)
        {
            if (_fault is not null)
                return ValueTask.FromException(new IOException("The connection is closed.", _fault));
            if (_queuedBytes < Limit)
                return ValueTask.CompletedTask;
            _space ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            space = _space.Task;
        }
        return new ValueTask(space.WaitAsync(cancellationToken));
    }

    private async Task WaitForGrantAsync(Reservation waiter, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            // Cancelled or granted under the lock, never both: a grant that won is the caller's to use or give back.
            await using var registration = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    if (waiter.TrySetCanceled(cancellationToken))
                        GrantLocked();
                }
            }).ConfigureAwait(false);
            await waiter.Task.ConfigureAwait(false);
            return;
        }
        await waiter.Task.ConfigureAwait(false);
    }

    private bool FitsLocked(long bytes) =>
        _queuedBytes + _reservedBytes + bytes <= Limit || (_queuedBytes == 0 && _reservedBytes == 0);

    /// <summary>Grants waiting reservations, in order, while they fit.</summary>
    private void GrantLocked()
    {
        while (_waiting.TryPeek(out var next))
        {
            if (next.Task.IsCompleted)
            {
                _waiting.Dequeue(); // cancelled
                continue;
            }
            if (!FitsLocked(next.Bytes))
                return;
            _waiting.Dequeue();
            _reservedBytes += next.Bytes;
            next.TrySetResult();
        }
    }

    /// <summary>True when the socket has taken no slice of a write under way for longer than <paramref name="timeoutMs"/>.</summary>
    public bool IsStalled(long nowMs, long timeoutMs)
    {
        var started = Volatile.Read(ref _writeStartedAt);
        return started != 0 && nowMs - started > timeoutMs;
    }

    /// <summary>Accepts no more frames and completes once everything queued was written (or the connection failed).</summary>
    public Task CompleteAsync()
    {
        lock (_gate)
        {
            _completing = true;
            WakeLocked();
        }
        return _loop;
    }

    /// <summary>
    /// Stops the write loop without draining: frames not yet written are dropped, senders waiting for room fail, and
    /// frames encoded afterwards are discarded.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _completing = true;
            FailLocked(new ObjectDisposedException(nameof(OutboundQueue)));
            WakeLocked();
        }
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        lock (_gate)
        {
            _pending.Dispose();
            _writing.Dispose();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                bool idle;
                lock (_gate)
                {
                    if (_fault is not null)
                        return;
                    idle = _pending.WrittenCount == 0;
                    if (idle)
                    {
                        // Large arrays go back to the pool only now: while frames keep coming, the two buffers keep
                        // theirs rather than growing again from small ones (every growth returns an array to the
                        // shared pool, whose per-thread caches would then hold several of each size).
                        _pending.Reset();
                        _writing.Reset();
                        if (_completing)
                        {
                            // Nothing more will be written: a sender still waiting for room would wait for ever.
                            FailWaitersLocked(new IOException("The connection is closing."));
                            return;
                        }
                        _loopIdle = true;
                    }
                    else
                    {
                        (_pending, _writing) = (_writing, _pending);
                        Volatile.Write(ref _writeStartedAt, Math.Max(1, Environment.TickCount64));
                    }
                }
                if (idle)
                {
                    await _wake.WaitAsync().ConfigureAwait(false);
                    // Let the work items already queued behind the wake-up (the rest of a group commit's replies, the
                    // deliveries they free) add their frames first: without this hop the loop, on the other core,
                    // took one or two frames per socket write (1.6 frames per sendto measured on the server under
                    // load); with it, about ten, and the server ran 1.3 to 1.6 times faster. It costs one thread-pool
                    // hop of latency when the connection is idle.
                    await Task.Yield();
                    continue;
                }

                await WriteWatchedAsync(_writing.WrittenMemory).ConfigureAwait(false);
                lock (_gate)
                {
                    Volatile.Write(ref _writeStartedAt, 0);
                    _queuedBytes -= _writing.WrittenCount;
                    _writing.Clear();
                    GrantLocked();
                    if (_space is not null && _queuedBytes < Limit)
                    {
                        _space.TrySetResult();
                        _space = null;
                    }
                }
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
                FailLocked(ex);
            throw;
        }
        finally
        {
            Volatile.Write(ref _writeStartedAt, 0);
        }
    }

    /// <summary>
    /// Writes a batch a slice at a time, restarting the stall clock after each slice: "stalled" means the socket took no
    /// slice for the write timeout, not that a batch of megabytes took longer than that to reach a reader who reads
    /// slowly but steadily. Batches of a slice or less (nearly all) are one write, as before.
    /// </summary>
    private async ValueTask WriteWatchedAsync(ReadOnlyMemory<byte> batch)
    {
        while (batch.Length > WriteSliceBytes)
        {
            await _stream.WriteAsync(batch[..WriteSliceBytes]).ConfigureAwait(false);
            batch = batch[WriteSliceBytes..];
            Volatile.Write(ref _writeStartedAt, Math.Max(1, Environment.TickCount64));
        }
        await _stream.WriteAsync(batch).ConfigureAwait(false);
    }

    /// <summary>Marks the queue failed and releases every sender waiting for space, so none waits forever.</summary>
    private void FailLocked(Exception reason)
    {
        _fault ??= reason;
        _space?.TrySetException(new IOException("The connection is closed.", reason));
        _space = null;
        FailWaitersLocked(new IOException("The connection is closed.", reason));
    }

    private void FailWaitersLocked(IOException error)
    {
        while (_waiting.TryDequeue(out var waiter))
            waiter.TrySetException(error);
    }

    private void WakeLocked()
    {
        if (!_loopIdle) return;
        _loopIdle = false;
        _wake.Set();
    }

    /// <summary>Holds the queue's lock while frames are encoded into <see cref="Buffer"/>; queues them when disposed.</summary>
    public ref struct WriteScope
    {
        [ThreadStatic]
        private static FrameBuffer? t_discarded;

        private readonly OutboundQueue _queue;
        private readonly int _start;
        private readonly int _reserved;
        private Lock.Scope _lock;

        /// <summary>Takes the queue's lock; prefer <see cref="Enter()"/> and <see cref="Enter(int)"/>.</summary>
        /// <param name="queue">The queue the frames go to.</param>
        /// <param name="reserved">Bytes reserved with <see cref="ReserveAsync"/> that this scope's frame uses, or 0.</param>
        public WriteScope(OutboundQueue queue, int reserved)
        {
            _queue = queue;
            _reserved = reserved;
            _lock = queue._gate.EnterScope();
            // Frames for a closed connection are encoded and dropped on dispose: callers need no check. Once the queue is
            // disposed its buffers are gone, so such frames go to a scratch buffer of this thread's instead (a reply
            // that completes after its connection was closed, say).
            Buffer = queue._disposed ? (t_discarded ??= new FrameBuffer()) : queue._pending;
            _start = Buffer.WrittenCount;
        }

        /// <summary>Where to encode frames.</summary>
        public FrameBuffer Buffer { get; }

        /// <summary>Whether the frames will be sent (false once the connection failed or is completing).</summary>
        public readonly bool IsOpen => _queue._fault is null && !_queue._completing;

        /// <summary>Drops whatever was encoded in this scope (a frame that failed half-way).</summary>
        public readonly void Discard() => Buffer.Truncate(_start);

        /// <summary>Queues what was encoded (or drops it if the queue is closed), ends the reservation and releases the lock.</summary>
        public void Dispose()
        {
            var added = Buffer.WrittenCount - _start;
            if (added > 0)
            {
                if (!IsOpen)
                {
                    Buffer.Truncate(_start);
                    // The scratch buffer of a disposed queue gives back whatever it grew to.
                    if (_start == 0 && ReferenceEquals(Buffer, t_discarded))
                        Buffer.Reset();
                }
                else
                {
                    _queue._queuedBytes += added;
                    _queue._peakQueuedBytes = Math.Max(_queue._peakQueuedBytes, _queue._queuedBytes);
                    _queue.WakeLocked();
                }
            }
            if (_reserved > 0)
            {
                // The frame is queued (or dropped): its reservation ends, and what it did not use goes to the next sender.
                _queue._reservedBytes -= _reserved;
                _queue.GrantLocked();
            }
            _lock.Dispose();
        }
    }

    /// <summary>A sender waiting for room for a frame of <see cref="Bytes"/>.</summary>
    private sealed class Reservation(int bytes) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public int Bytes { get; } = bytes;
    }
}

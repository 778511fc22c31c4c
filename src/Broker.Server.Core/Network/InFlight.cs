namespace Broker.Server.Network;

/// <summary>
/// Counts one connection's requests being processed and the payload bytes they hold. Above either limit the
/// connection stops reading frames (TCP then slows the client down) until enough of them finish; at shutdown the
/// connection waits for the count to reach zero.
/// </summary>
internal sealed class InFlight(int maxRequests, long maxBytes)
{
    private readonly Lock _gate = new();
    private int _requests;
    private long _bytes;
    private TaskCompletionSource? _room;
    private TaskCompletionSource? _drained;

    public int Requests
    {
        get
        {
            lock (_gate) return _requests;
        }
    }

    /// <summary>Read after every frame, so without the lock; a stale answer only delays the check to the next frame.</summary>
    public bool IsFull => Volatile.Read(ref _requests) >= maxRequests || Interlocked.Read(ref _bytes) >= maxBytes;

    public void Begin(long bytes)
    {
        lock (_gate)
        {
            _requests++;
            _bytes += bytes;
        }
    }

    public void End(long bytes)
    {
        TaskCompletionSource? room = null, drained = null;
        lock (_gate)
        {
            _requests--;
            _bytes -= bytes;
            if (_room is not null && _requests < maxRequests && _bytes < maxBytes)
            {
                room = _room;
                _room = null;
            }
            if (_requests == 0 && _drained is not null)
            {
                drained = _drained;
                _drained = null;
            }
        }
        room?.TrySetResult();
        drained?.TrySetResult();
    }

    public Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_requests < maxRequests && _bytes < maxBytes) return Task.CompletedTask;
            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _room.Task.WaitAsync(cancellationToken);
        }
    }

    public Task WaitForNoneAsync()
    {
        lock (_gate)
        {
            if (_requests == 0) return Task.CompletedTask;
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }
}

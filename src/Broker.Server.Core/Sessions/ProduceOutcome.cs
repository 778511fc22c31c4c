namespace Broker.Server.Sessions;

/// <summary>
/// The outcome of one produce of a session, shared by the original request and any retry of it: a retry that arrives
/// while the original is still being stored waits for it instead of storing the message a second time.
/// </summary>
// One per produce: locking the (internal, sealed) object itself saves allocating a lock for each.
internal sealed class ProduceOutcome
{
    private TaskCompletionSource<ProduceResult>? _waiters;
    private ProduceResult _result;
    private Exception? _error;
    private bool _done;

    public bool TryGet(out ProduceResult result, out Exception? error)
    {
        lock (this)
        {
            result = _result;
            error = _error;
            return _done;
        }
    }

    /// <summary>Waits for the original request's outcome.</summary>
    public Task<ProduceResult> WaitAsync()
    {
        lock (this)
        {
            if (_done)
                return _error is null ? Task.FromResult(_result) : Task.FromException<ProduceResult>(_error);
            _waiters ??= new TaskCompletionSource<ProduceResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiters.Task;
        }
    }

    // The first outcome is final: a message once stored stays stored, whatever fails after.
    public void Complete(ProduceResult result)
    {
        TaskCompletionSource<ProduceResult>? waiters;
        lock (this)
        {
            if (_done) return;
            _result = result;
            _done = true;
            waiters = _waiters;
        }
        waiters?.TrySetResult(result);
    }

    public void Fail(Exception error)
    {
        TaskCompletionSource<ProduceResult>? waiters;
        lock (this)
        {
            if (_done) return;
            _error = error;
            _done = true;
            waiters = _waiters;
        }
        waiters?.TrySetException(error);
    }
}

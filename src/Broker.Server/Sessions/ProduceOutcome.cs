namespace Broker.Server.Sessions;

/// <summary>
/// The outcome of one produce of a session, shared by the original request and any retry of it: a retry that arrives
/// while the original is still being stored waits for it instead of storing the message a second time.
/// </summary>
internal sealed class ProduceOutcome
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<ProduceResult>? _waiters;
    private ProduceResult _result;
    private Exception? _error;
    private bool _done;

    public bool TryGet(out ProduceResult result, out Exception? error)
    {
        lock (_gate)
        {
            result = _result;
            error = _error;
            return _done;
        }
    }

    /// <summary>Waits for the original request's outcome.</summary>
    public Task<ProduceResult> WaitAsync()
    {
        lock (_gate)
        {
            if (_done)
                return _error is null ? Task.FromResult(_result) : Task.FromException<ProduceResult>(_error);
            _waiters ??= new TaskCompletionSource<ProduceResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiters.Task;
        }
    }

    public void Complete(ProduceResult result)
    {
        TaskCompletionSource<ProduceResult>? waiters;
        lock (_gate)
        {
            _result = result;
            _done = true;
            waiters = _waiters;
        }
        waiters?.TrySetResult(result);
    }

    public void Fail(Exception error)
    {
        TaskCompletionSource<ProduceResult>? waiters;
        lock (_gate)
        {
            _error = error;
            _done = true;
            waiters = _waiters;
        }
        waiters?.TrySetException(error);
    }
}

namespace Broker.Nats.Consuming;

/// <summary>An auto-reset wake-up: any number of <see cref="Set"/> calls wake the next (single) waiter once.</summary>
internal sealed class AsyncSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _signal = New();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set()
    {
        lock (_gate) _signal.TrySetResult();
    }

    /// <summary>Waits for a signal or the timeout, then resets.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate) signal = _signal.Task;
        try
        {
            await signal.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        lock (_gate)
        {
            if (_signal.Task.IsCompleted) _signal = New();
        }
    }
}

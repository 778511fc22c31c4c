using System.Collections.Concurrent;

namespace Broker.Conformance;

/// <summary>Records every message a subscription handles and lets a test wait for the n-th one.</summary>
public sealed class Recorder<T>(Func<QueueMessage<T>, ValueTask>? behaviour = null)
{
    private readonly ConcurrentQueue<QueueMessage<T>> _handled = new();
    private readonly ConcurrentQueue<QueueMessage<T>> _attempts = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly Lock _gate = new();

    /// <summary>Messages whose handler returned, in completion order.</summary>
    public IReadOnlyList<QueueMessage<T>> Handled => [.. _handled];

    /// <summary>Every call of the handler, including those that threw.</summary>
    public IReadOnlyList<QueueMessage<T>> Attempts => [.. _attempts];

    /// <summary>The handler: runs the behaviour (which may throw), then records the message as handled.</summary>
    public async ValueTask HandleAsync(QueueMessage<T> message, CancellationToken cancellationToken)
    {
        _attempts.Enqueue(message);
        if (behaviour is not null)
            await behaviour(message);
        _handled.Enqueue(message);
        lock (_gate)
        {
            foreach (var (count, reached) in _waiters)
                if (_handled.Count >= count) reached.TrySetResult();
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages were handled.</summary>
    public async Task<IReadOnlyList<QueueMessage<T>>> WaitForAsync(int count)
    {
        TaskCompletionSource reached;
        lock (_gate)
        {
            if (_handled.Count >= count) return Handled;
            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
        }
        try
        {
            await reached.Task.WaitAsync(Waits.Generous);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Expected {count} handled messages within {Waits.Generous.TotalSeconds:0} s, got {_handled.Count}: [{string.Join(", ", _handled.Select(m => $"{m.Id}:{m.Data}"))}].");
        }
        return Handled;
    }
}

/// <summary>How long tests wait for something that should happen. Generous: a loaded CI machine must not flake.</summary>
public static class Waits
{
    /// <summary>The longest a test waits for an expected event.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
}

using System.Collections.Concurrent;

namespace Broker.Hosting.Tests.Configuration;

/// <summary>
/// Holds every handler until released and records how many ran at once: a subscription's MaxParallel, observed from
/// the outside.
/// </summary>
internal sealed class ParallelProbe
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _entered = new(0);
    private int _running;
    private int _mostAtOnce;

    public ConcurrentBag<int> Finished { get; } = [];

    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public void Release() => _release.TrySetResult();

    /// <summary>Waits until <paramref name="count"/> handlers have entered, then a little longer for any more to enter.</summary>
    public async Task<int> RunningAfterAsync(int count)
    {
        for (var i = 0; i < count; i++)
            Assert.True(await _entered.WaitAsync(TestHost.Generous), $"Only {i} handlers started; expected {count}.");
        // No more may start while these are held; give a subscription that would take more the time to hand them out.
        await Task.Delay(300);
        return Volatile.Read(ref _running);
    }

    public async Task HoldAsync(int id, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        int most;
        while (running > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, running, most) != most)
        {
        }
        _entered.Release();
        try
        {
            await _release.Task.WaitAsync(cancellationToken);
            Finished.Add(id);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}

internal sealed class ProbedSignupConsumer(ParallelProbe probe) : IConsumer<Signup>
{
    public async ValueTask ConsumeAsync(QueueMessage<Signup> message, CancellationToken cancellationToken) =>
        await probe.HoldAsync(message.Data.Id, cancellationToken);
}

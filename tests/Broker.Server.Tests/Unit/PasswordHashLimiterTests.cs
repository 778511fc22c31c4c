using Broker.Server.Security;
using Broker.Server.Tests.Infrastructure;

namespace Broker.Server.Tests.Unit;

public sealed class PasswordHashLimiterTests
{
    [Fact]
    public async Task AtMostItsConcurrencyRunsAtOnceAtMostItsQueueWaitsAndTheRestIsRefusedAtOnce()
    {
        var limiter = new PasswordHashLimiter(concurrency: 2, queueLimit: 3);
        using var release = new ManualResetEventSlim();
        var running = 0;
        var maxRunning = 0;
        bool Work()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            release.Wait(Waits.Generous);
            Interlocked.Decrement(ref running);
            return true;
        }

        var admitted = Enumerable.Range(0, 5).Select(_ => limiter.RunAsync(Work, CancellationToken.None)).ToArray();
        await Waits.UntilAsync(() => Volatile.Read(ref running) == 2, "two verifications to run");
        var refused = await limiter.RunAsync(Work, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        release.Set();
        var results = await Task.WhenAll(admitted).WaitAsync(Waits.Generous);

        Assert.Null(refused);
        Assert.All(results, r => Assert.True(r));
        Assert.Equal(2, maxRunning);
        Assert.Equal(5, limiter.Runs);
        // Room again once they finished.
        Assert.True(await limiter.RunAsync(() => true, CancellationToken.None));
    }

    [Fact]
    public async Task AWaiterWhoseConnectionClosesLeavesTheQueue()
    {
        var limiter = new PasswordHashLimiter(concurrency: 1, queueLimit: 1);
        using var release = new ManualResetEventSlim();
        var running = limiter.RunAsync(() => release.Wait(Waits.Generous), CancellationToken.None);
        using var closed = new CancellationTokenSource();
        var waiting = limiter.RunAsync(() => true, closed.Token);
        Assert.Null(await limiter.RunAsync(() => true, CancellationToken.None));

        await closed.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var next = limiter.RunAsync(() => true, CancellationToken.None);
        release.Set();

        Assert.True(await running);
        Assert.True(await next.WaitAsync(Waits.Generous));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
            current = seen;
    }
}

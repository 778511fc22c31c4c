using System.Collections.Concurrent;
using System.Net;
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

        var admitted = Enumerable.Range(0, 5).Select(i => limiter.RunAsync(Source(i), Work, CancellationToken.None)).ToArray();
        await Waits.UntilAsync(() => Volatile.Read(ref running) == 2, "two verifications to run");
        var refused = await limiter.RunAsync(Source(5), Work, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        release.Set();
        var results = await Task.WhenAll(admitted).WaitAsync(Waits.Generous);

        Assert.Null(refused);
        Assert.All(results, r => Assert.True(r));
        Assert.Equal(2, maxRunning);
        Assert.Equal(5, limiter.Runs);
        // Room again once they finished.
        Assert.True(await limiter.RunAsync(Source(6), () => true, CancellationToken.None));
    }

    [Fact]
    public async Task ASourceHasAtMostOneVerificationWaitingAndANewSourceWaitsBehindAtMostOneOfEach()
    {
        var limiter = new PasswordHashLimiter(concurrency: 1, queueLimit: 100);
        using var release = new ManualResetEventSlim();
        var blocker = OccupyTheOnlySlot(limiter, release);
        var order = new ConcurrentQueue<string>();
        Func<bool> Guess(string who) => () =>
        {
            order.Enqueue(who);
            return false;
        };

        // Three attacking sources, each with three connections guessing at once, while the only slot is busy.
        var guesses = new List<Task<bool?>>();
        for (var round = 0; round < 3; round++)
        {
            for (var attacker = 1; attacker <= 3; attacker++)
                guesses.Add(limiter.RunAsync(Source(attacker), Guess($"a{attacker}"), CancellationToken.None));
        }
        var newcomer = limiter.RunAsync(Source(99), Guess("new"), CancellationToken.None);
        release.Set();
        await blocker.WaitAsync(Waits.Generous);
        var newcomerVerdict = await newcomer.WaitAsync(Waits.Generous);
        var verdicts = await Task.WhenAll(guesses).WaitAsync(Waits.Generous);

        // A source's second and third attempts were refused at once, without hashing, while its first one waited...
        Assert.Equal(6, verdicts.Count(v => v is null));
        Assert.Equal(3, verdicts.Count(v => v is false));
        // ...so the new source waited behind one attempt of each attacking source, not behind all nine.
        Assert.Equal(["a1", "a2", "a3", "new"], order);
        Assert.False(newcomerVerdict);
        Assert.Equal(5, limiter.Runs);
    }

    [Fact]
    public async Task ASourceThatTriesAgainAsSoonAsItsAttemptRunsGoesBehindTheSourcesAlreadyWaiting()
    {
        var limiter = new PasswordHashLimiter(concurrency: 1, queueLimit: 100);
        using var release = new ManualResetEventSlim();
        var blocker = OccupyTheOnlySlot(limiter, release);
        var order = new ConcurrentQueue<string>();
        var retries = new ConcurrentBag<Task<bool?>>();
        // An attacker that sends its next guess the moment its last one is being verified, three times over.
        Func<bool> Flood(int attacker, int left) => () =>
        {
            order.Enqueue($"a{attacker}");
            if (left > 0)
                retries.Add(limiter.RunAsync(Source(attacker), Flood(attacker, left - 1), CancellationToken.None));
            return false;
        };

        var first = Enumerable.Range(1, 2).Select(a => limiter.RunAsync(Source(a), Flood(a, 2), CancellationToken.None)).ToList();
        var newcomer = limiter.RunAsync(Source(99), () =>
        {
            order.Enqueue("new");
            return true;
        }, CancellationToken.None);
        release.Set();
        await blocker.WaitAsync(Waits.Generous);
        Assert.True(await newcomer.WaitAsync(Waits.Generous));
        await Waits.UntilAsync(() => order.Count == 7, "every guess to be verified");
        await Task.WhenAll([.. first, .. retries]).WaitAsync(Waits.Generous);

        Assert.Equal(["a1", "a2", "new", "a1", "a2", "a1", "a2"], order);
    }

    [Fact]
    public async Task AWaiterWhoseConnectionClosesLeavesTheQueue()
    {
        var limiter = new PasswordHashLimiter(concurrency: 1, queueLimit: 1);
        using var release = new ManualResetEventSlim();
        var running = limiter.RunAsync(Source(1), () => release.Wait(Waits.Generous), CancellationToken.None);
        using var closed = new CancellationTokenSource();
        var waiting = limiter.RunAsync(Source(2), () => true, closed.Token);
        Assert.Null(await limiter.RunAsync(Source(3), () => true, CancellationToken.None));

        await closed.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        // Its place in the line is free again, for its own source too.
        var next = limiter.RunAsync(Source(2), () => true, CancellationToken.None);
        release.Set();

        Assert.True(await running);
        Assert.True(await next.WaitAsync(Waits.Generous));
    }

    /// <summary>Starts a verification that holds the limiter's only slot until <paramref name="release"/> is set.</summary>
    private static Task<bool?> OccupyTheOnlySlot(PasswordHashLimiter limiter, ManualResetEventSlim release)
    {
        using var started = new ManualResetEventSlim();
        var blocker = limiter.RunAsync(Source(0), () =>
        {
            started.Set();
            return release.Wait(Waits.Generous);
        }, CancellationToken.None);
        Assert.True(started.Wait(Waits.Generous), "The first verification did not start.");
        return blocker;
    }

    /// <summary>A distinct IPv4 source address per number.</summary>
    private static IPAddress Source(int n) => new([10, 0, (byte)(n / 256), (byte)(n % 256)]);

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
            current = seen;
    }
}

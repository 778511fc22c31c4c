namespace Broker.Server.Security;

/// <summary>
/// Runs password-hash verifications (PBKDF2, about a tenth of a second of CPU each) a few at a time on the thread pool,
/// never on a connection's read loop: at most <c>concurrency</c> at once, at most <c>queueLimit</c> more waiting, and
/// anything past that refused at once without hashing. So guesses cannot take every core (or every pool thread) from
/// the connections that are already authenticated.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore's wait handle is never used, so it holds nothing to dispose.")]
internal sealed class PasswordHashLimiter
{
    private readonly SemaphoreSlim _slots;
    private readonly int _limit;
    private int _admitted;
    private int _running;
    private int _maxRunning;
    private long _runs;

    /// <param name="concurrency">Verifications running at once.</param>
    /// <param name="queueLimit">Verifications waiting for a slot; more are refused.</param>
    public PasswordHashLimiter(int concurrency, int queueLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        _slots = new SemaphoreSlim(concurrency, concurrency);
        _limit = concurrency + queueLimit;
    }

    /// <summary>The default concurrency: half the cores (at least one), so hashing never takes the whole machine.</summary>
    public static int DefaultConcurrency => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The most verifications seen running at once (for tests and diagnostics).</summary>
    public int MaxRunning => Volatile.Read(ref _maxRunning);

    /// <summary>Verifications run so far.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Runs <paramref name="verify"/> when a slot is free.</summary>
    /// <param name="verify">The verification; it runs on the thread pool.</param>
    /// <param name="cancellationToken">Cancels the wait for a slot (the connection closed); a verification under way finishes.</param>
    /// <returns>Its result, or null when the queue is full (nothing ran).</returns>
    public async Task<bool?> RunAsync(Func<bool> verify, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _admitted) > _limit)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var running = Interlocked.Increment(ref _running);
                for (var seen = Volatile.Read(ref _maxRunning); running > seen; seen = Volatile.Read(ref _maxRunning))
                {
                    if (Interlocked.CompareExchange(ref _maxRunning, running, seen) == seen)
                        break;
                }
                Interlocked.Increment(ref _runs);
                return await Task.Run(verify, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
                _slots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }
}

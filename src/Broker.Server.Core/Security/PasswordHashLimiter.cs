using System.Net;

namespace Broker.Server.Security;

/// <summary>
/// Runs password-hash verifications (PBKDF2, about a tenth of a second of CPU each) a few at a time on the thread pool,
/// never on a connection's read loop: at most <c>concurrency</c> at once, so guesses cannot take every core (or every
/// pool thread) from the connections that are already authenticated.
/// </summary>
/// <remarks>
/// The verifications waiting for a slot form one line, fair between source addresses: a source may have at most one
/// verification waiting (its further attempts are refused at once, without hashing, until that one runs), and the
/// line is served in order. So a source's next attempt joins the back, behind every other source already waiting:
/// the sources take turns, and a new client waits behind at most one attempt of each source that is guessing, however
/// many connections each of them opens. The line holds at most <c>queueLimit</c>; past that an attempt is refused
/// at once too.
/// </remarks>
internal sealed class PasswordHashLimiter
{
    private readonly Lock _gate = new();
    private readonly int _concurrency;
    private readonly int _queueLimit;
    // Guarded by _gate: the line, first to run first, and each waiting source's place in it.
    private readonly LinkedList<Waiter> _line = new();
    private readonly Dictionary<IPAddress, LinkedListNode<Waiter>> _waiting = [];
    private int _running;
    private int _maxRunning;
    private long _runs;

    /// <param name="concurrency">Verifications running at once.</param>
    /// <param name="queueLimit">Verifications waiting for a slot (at most one per source); more are refused.</param>
    public PasswordHashLimiter(int concurrency, int queueLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        _concurrency = concurrency;
        _queueLimit = queueLimit;
    }

    /// <summary>The default concurrency: half the cores (at least one), so hashing never takes the whole machine.</summary>
    public static int DefaultConcurrency => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The most verifications seen running at once (for tests and diagnostics).</summary>
    public int MaxRunning => Volatile.Read(ref _maxRunning);

    /// <summary>Verifications run so far.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Verifications waiting in line for a slot (for tests and diagnostics).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
                return _line.Count;
        }
    }

    /// <summary>Runs <paramref name="verify"/> when a slot is free and it is this source's turn.</summary>
    /// <param name="source">The source address the attempt comes from (<see cref="ClientAddress.SourceOf(IPAddress)"/>).</param>
    /// <param name="verify">The verification; it runs on the thread pool.</param>
    /// <param name="cancellationToken">Cancels the wait for a slot (the connection closed); a verification under way finishes.</param>
    /// <returns>Its result, or null when it was refused (the source already has one waiting, or the line is full): nothing ran.</returns>
    public async Task<bool?> RunAsync(IPAddress source, Func<bool> verify, CancellationToken cancellationToken)
    {
        LinkedListNode<Waiter>? place = null;
        lock (_gate)
        {
            if (_running < _concurrency && _line.Count == 0)
            {
                _running++;
                _maxRunning = Math.Max(_maxRunning, _running);
            }
            else if (_waiting.ContainsKey(source) || _line.Count >= _queueLimit)
            {
                return null;
            }
            else
            {
                place = _line.AddLast(new Waiter(source));
                _waiting.Add(source, place);
            }
        }
        if (place is not null)
        {
            using (cancellationToken.Register(() => Leave(place, cancellationToken)))
                await place.Value.Turn.Task.ConfigureAwait(false);
        }
        try
        {
            Interlocked.Increment(ref _runs);
            return await Task.Run(verify, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Finished();
        }
    }

    /// <summary>A slot came free: it passes to the first in line, if anyone waits.</summary>
    private void Finished()
    {
        Waiter? next = null;
        lock (_gate)
        {
            if (_line.First is { } first)
            {
                _line.RemoveFirst();
                _waiting.Remove(first.Value.Source);
                next = first.Value;
            }
            else
            {
                _running--;
            }
        }
        next?.Turn.TrySetResult();
    }

    /// <summary>A waiter's connection closed: it leaves the line, unless its turn came first (then it runs).</summary>
    private void Leave(LinkedListNode<Waiter> place, CancellationToken token)
    {
        lock (_gate)
        {
            if (place.List is null)
                return;
            _line.Remove(place);
            _waiting.Remove(place.Value.Source);
        }
        place.Value.Turn.TrySetCanceled(token);
    }

    private sealed class Waiter(IPAddress source)
    {
        public IPAddress Source { get; } = source;

        /// <summary>Completes when the slot passes to this waiter (its count already taken over from the one before).</summary>
        public TaskCompletionSource Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

namespace Broker.Server.Sessions;

/// <summary>What <see cref="ProducerSession.Claim"/> found for a produce sequence.</summary>
internal enum ClaimKind
{
    /// <summary>First time: store the message and record the outcome.</summary>
    New,

    /// <summary>A retry of a produce already seen: answer with its outcome (waiting for it if needed).</summary>
    Existing,

    /// <summary>The asking connection no longer speaks for the session (a newer one said Hello); ignore the request.</summary>
    Superseded,

    /// <summary>The sequence is older than what the session still remembers: its outcome is unknown.</summary>
    Forgotten,
}

/// <summary>
/// One client transport's producer session: the outcomes of its recent produces by sequence number, so that a produce
/// retried after a reconnect is answered from the first attempt instead of being stored twice. The client sends with
/// each produce the lowest sequence it still waits for (the watermark); outcomes below it are never asked for again
/// and are forgotten, which keeps the session as small as the client's window of produces in flight.
/// </summary>
internal sealed class ProducerSession(UInt128 id)
{
    /// <summary>
    /// A session never remembers more outcomes than this, even if its client's watermark stops moving: about 1.5 MiB at
    /// most per session, far above the few hundred produces a client keeps in flight.
    /// </summary>
    public const int MaxOutcomes = 16_384;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, ProduceOutcome> _outcomes = [];
    private readonly Queue<long> _order = new();
    private long _forgottenBelow;
    private object? _owner;
    private long _detachedAt;

    public UInt128 Id { get; } = id;

    /// <summary>Makes <paramref name="owner"/> the connection that speaks for the session.</summary>
    /// <returns>The connection it replaces, which must be closed so none of its frames is handled after this point.</returns>
    public object? Attach(object owner)
    {
        lock (_gate)
        {
            var previous = _owner;
            _owner = owner;
            _detachedAt = 0;
            return ReferenceEquals(previous, owner) ? null : previous;
        }
    }

    public void Detach(object owner, long nowMs)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_owner, owner)) return;
            _owner = null;
            _detachedAt = Math.Max(1, nowMs);
        }
    }

    public bool IsDetachedSince(long cutoffMs)
    {
        lock (_gate) return _owner is null && _detachedAt != 0 && _detachedAt <= cutoffMs;
    }

    public int Count
    {
        get
        {
            lock (_gate) return _outcomes.Count;
        }
    }

    /// <summary>Looks up, or starts recording, the outcome of produce <paramref name="sequence"/>.</summary>
    public ClaimKind Claim(object owner, long sequence, long watermark, out ProduceOutcome? outcome)
    {
        lock (_gate)
        {
            outcome = null;
            if (!ReferenceEquals(_owner, owner))
                return ClaimKind.Superseded;
            while (_order.TryPeek(out var oldest) && oldest < watermark)
            {
                _order.Dequeue();
                _outcomes.Remove(oldest);
            }
            if (_outcomes.TryGetValue(sequence, out outcome))
                return ClaimKind.Existing;
            if (sequence < _forgottenBelow)
                return ClaimKind.Forgotten;
            outcome = new ProduceOutcome();
            _outcomes.Add(sequence, outcome);
            _order.Enqueue(sequence);
            while (_outcomes.Count > MaxOutcomes && _order.TryDequeue(out var evicted))
            {
                _outcomes.Remove(evicted);
                _forgottenBelow = Math.Max(_forgottenBelow, evicted + 1);
            }
            return ClaimKind.New;
        }
    }

    /// <summary>Forgets a produce that failed, so that a retry stores it anew.</summary>
    public void Forget(long sequence, ProduceOutcome outcome)
    {
        lock (_gate)
        {
            if (_outcomes.TryGetValue(sequence, out var current) && ReferenceEquals(current, outcome))
                _outcomes.Remove(sequence);
        }
    }
}

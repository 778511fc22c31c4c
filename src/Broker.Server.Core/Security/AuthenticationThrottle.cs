using System.Net;

namespace Broker.Server.Security;

/// <summary>
/// Throttles authentication attempts per source address (<see cref="ClientAddress"/>) with a token bucket: a source
/// starts with <c>burst</c> attempts and earns one more every <c>refillEvery</c>, up to <c>burst</c>. Each attempt takes
/// one before the credentials are checked (so parallel connections from one source cannot all slip through at once),
/// and a successful one gives it back: only failures use the bucket up. A source without an attempt left is refused
/// before any verification work.
/// </summary>
/// <remarks>
/// The table is bounded: at most <c>capacity</c> sources, the least recently used forgotten first (a forgotten source
/// starts again with a full burst), and a source whose bucket is full again is dropped at once, so the table holds
/// only sources with recent failures and cannot grow with the number of addresses an attacker uses.
/// </remarks>
internal sealed class AuthenticationThrottle
{
    /// <summary>Sources tracked at once, by default: about 1.5 MB at most.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, LinkedListNode<Bucket>> _buckets = [];
    // Least recently used first.
    private readonly LinkedList<Bucket> _recency = new();
    private readonly int _burst;
    private readonly TimeSpan _refillEvery;
    private readonly int _capacity;
    private readonly TimeProvider _time;

    /// <param name="burst">Attempts a source may make at once.</param>
    /// <param name="refillEvery">How often a source earns one more attempt.</param>
    /// <param name="capacity">Sources tracked at once.</param>
    /// <param name="time">The clock (tests pass a fake one).</param>
    public AuthenticationThrottle(int burst, TimeSpan refillEvery, int capacity = DefaultCapacity, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refillEvery, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _burst = burst;
        _refillEvery = refillEvery;
        _capacity = capacity;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Sources tracked now.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _buckets.Count;
        }
    }

    /// <summary>Takes an attempt for <paramref name="source"/>.</summary>
    /// <param name="source">The source (<see cref="ClientAddress.SourceOf(IPAddress)"/>).</param>
    /// <param name="retryAfter">When refused: how long until the source has an attempt again.</param>
    /// <returns>False when the source is throttled.</returns>
    public bool TryAcquire(IPAddress source, out TimeSpan retryAfter)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_buckets.TryGetValue(source, out var node))
            {
                _recency.Remove(node);
                _recency.AddLast(node);
                Refill(node.Value, now);
            }
            else
            {
                if (_buckets.Count >= _capacity && _recency.First is { } oldest)
                {
                    _recency.RemoveFirst();
                    _buckets.Remove(oldest.Value.Source);
                }
                node = _recency.AddLast(new Bucket(source) { Tokens = _burst, RefilledAt = now });
                _buckets.Add(source, node);
            }
            var bucket = node.Value;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }
            retryAfter = _refillEvery * (1 - bucket.Tokens);
            return false;
        }
    }

    /// <summary>Gives back the attempt of a successful authentication (or of one that was never verified).</summary>
    public void Refund(IPAddress source)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (!_buckets.TryGetValue(source, out var node))
                return;
            var bucket = node.Value;
            Refill(bucket, now);
            bucket.Tokens = Math.Min(_burst, bucket.Tokens + 1);
            if (bucket.Tokens >= _burst)
            {
                // Nothing to remember about a source with all its attempts.
                _recency.Remove(node);
                _buckets.Remove(source);
            }
        }
    }

    private void Refill(Bucket bucket, long now)
    {
        var earned = _time.GetElapsedTime(bucket.RefilledAt, now) / _refillEvery;
        bucket.Tokens = Math.Min(_burst, bucket.Tokens + earned);
        bucket.RefilledAt = now;
    }

    private sealed class Bucket(IPAddress source)
    {
        public IPAddress Source { get; } = source;

        public double Tokens { get; set; }

        public long RefilledAt { get; set; }
    }
}

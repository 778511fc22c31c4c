using Broker.Engine.Dispatch;

namespace Broker.Engine.Dedup;

/// <summary>
/// The dedup keys of one channel. A key blocks equal messages from its first acceptance until that time plus its
/// window; duplicates do not extend it, and it outlives its message. Expired keys are purged in expiry order.
/// Not thread-safe: the channel's lock guards it.
/// </summary>
internal sealed class DedupTable
{
    private readonly Dictionary<UInt128, DedupEntry> _keys = [];
    private readonly BinaryHeap<DedupEntry, ExpiryOrder> _byExpiry = new();

    public int Count => _keys.Count;

    /// <summary>The live entry for <paramref name="key"/>, or null when there is none or it expired.</summary>
    public DedupEntry? Find(UInt128 key, long nowTicks) =>
        _keys.TryGetValue(key, out var entry) && (entry.Pending is not null || entry.ExpiresTicks > nowTicks) ? entry : null;

    /// <summary>Adds or replaces the key's entry. A pending entry joins the expiry order when it is committed.</summary>
    public void Set(DedupEntry entry)
    {
        _keys[entry.Key] = entry;
        if (entry.Pending is null)
            _byExpiry.Push(entry);
    }

    /// <summary>Removes <paramref name="entry"/> if it is still the key's entry (its store write failed).</summary>
    public void Remove(DedupEntry entry)
    {
        if (_keys.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
            _keys.Remove(entry.Key);
    }

    /// <summary>The earliest expiry in the expiry order (possibly of an entry replaced since), for the channel's timer.</summary>
    public bool TryPeekExpiry(out long expiresTicks)
    {
        var found = _byExpiry.TryPeek(out var top);
        expiresTicks = found ? top.ExpiresTicks : 0;
        return found;
    }

    /// <summary>Removes keys expired at <paramref name="nowTicks"/>, reporting each to <paramref name="expired"/>.</summary>
    public void Purge<TState>(long nowTicks, TState state, Action<TState, DedupEntry> expired)
    {
        while (_byExpiry.TryPeek(out var top) && top.ExpiresTicks <= nowTicks)
        {
            _byExpiry.Pop();
            // A replaced or failed entry is no longer in the dictionary.
            if (!_keys.TryGetValue(top.Key, out var current) || !ReferenceEquals(current, top))
                continue;
            _keys.Remove(top.Key);
            expired(state, top);
        }
    }

    /// <summary>Marks a pending entry stored and puts it into the expiry order.</summary>
    public void Commit(DedupEntry entry, long messageId)
    {
        entry.MessageId = messageId;
        entry.Pending = null;
        _byExpiry.Push(entry);
    }

    private readonly struct ExpiryOrder : IHeapOrder<DedupEntry>
    {
        public static bool Before(DedupEntry a, DedupEntry b) => a.ExpiresTicks < b.ExpiresTicks;
    }
}

/// <summary>One dedup key: the message that set it and until when it blocks.</summary>
internal sealed class DedupEntry(UInt128 key, long messageId, long expiresTicks)
{
    public UInt128 Key { get; } = key;

    public long MessageId { get; set; } = messageId;

    public long ExpiresTicks { get; } = expiresTicks;

    /// <summary>Completed when the first message with this key is stored (true) or failed to store (false).</summary>
    public TaskCompletionSource<bool>? Pending { get; set; }
}

namespace Broker.Testing;

/// <summary>
/// Everything one harness saw, in order, and the tests waiting for something in it. One per harness, so tests that run in
/// parallel (each with its own harness) never see each other's messages.
/// </summary>
/// <remarks>
/// Waiters are matched under the journal's lock, against what was already seen when they start (the earliest match wins)
/// and then against each new entry as it is added, so a waiter never misses an entry added while it registers.
/// </remarks>
internal sealed class HarnessJournal
{
    private readonly Lock _gate = new();
    private readonly List<JournalEntry> _entries = [];
    private readonly List<Waiter> _waiters = [];
    private TaskCompletionSource _changed = NewSignal();
    private long _sequence;

    /// <summary>Takes the next sequence number; a recorder takes it before calling the broker.</summary>
    public long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Completes on the next <see cref="Add"/> or <see cref="Signal"/>. Take it before checking a condition, then await it.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate) return _changed.Task;
        }
    }

    /// <summary>Records an entry, wakes the waiters it matches and everyone awaiting <see cref="Changed"/>.</summary>
    public void Add(JournalEntry entry)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            // Entries arrive nearly in sequence order; insert from the back.
            var index = _entries.Count;
            while (index > 0 && _entries[index - 1].Sequence > entry.Sequence)
                index--;
            _entries.Insert(index, entry);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].TryComplete(entry))
                    _waiters.RemoveAt(i);
            }
            changed = SwapSignalLocked();
        }
        changed.TrySetResult();
    }

    /// <summary>Wakes everyone awaiting <see cref="Changed"/> without recording anything (a subscription closed, say).</summary>
    public void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
            changed = SwapSignalLocked();
        changed.TrySetResult();
    }

    /// <summary>What was seen on <paramref name="channel"/>, in order.</summary>
    public JournalEntry[] Snapshot(string channel)
    {
        lock (_gate)
            return [.. _entries.Where(e => e.Channel == channel)];
    }

    /// <summary>How many entries each channel has.</summary>
    public Dictionary<string, int> CountByChannel()
    {
        lock (_gate)
            return _entries.CountBy(e => e.Channel, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The first entry, already seen or still to come, that <paramref name="match"/> accepts; null when none did within
    /// <paramref name="timeout"/> of real time. An exception thrown by <paramref name="match"/> fails the wait with it.
    /// </summary>
    public async Task<JournalEntry?> WaitAsync(Func<JournalEntry, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(match);
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (waiter.TryComplete(entry))
                    break;
            }
            if (!waiter.Task.IsCompleted)
                _waiters.Add(waiter);
        }
        try
        {
            return await waiter.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!waiter.Task.IsCompleted)
        {
            // Told apart from a TimeoutException the test's own predicate might throw.
            return null;
        }
        finally
        {
            lock (_gate)
                _waiters.Remove(waiter);
        }
    }

    private TaskCompletionSource SwapSignalLocked()
    {
        var changed = _changed;
        _changed = NewSignal();
        return changed;
    }

    // Continuations run on the thread pool, never inside the broker call that recorded the entry.
    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Waiter(Func<JournalEntry, bool> match)
    {
        private readonly TaskCompletionSource<JournalEntry> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<JournalEntry> Task => _result.Task;

        /// <summary>True when this waiter is done: it matched, or its predicate threw (the test sees the exception).</summary>
        public bool TryComplete(JournalEntry entry)
        {
            try
            {
                if (!match(entry))
                    return false;
                _result.TrySetResult(entry);
            }
            catch (Exception ex)
            {
                _result.TrySetException(ex);
            }
            return true;
        }
    }
}

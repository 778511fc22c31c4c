using System.Collections.Concurrent;
using Sample.Channels;

namespace Sample.Worker;

/// <summary>
/// Stands in for the seed's <c>Database</c>: where the worker records that a user was welcomed. It keys the record by
/// the queue message id, the idempotency key Broker gives every handler, so a redelivered message (a worker died after
/// sending the mail and before acknowledging) is recognised instead of welcomed twice.
/// </summary>
public sealed class Database
{
    private readonly ConcurrentDictionary<long, User> _welcomed = new();
    private readonly SemaphoreSlim _changed = new(0);

    /// <summary>Records a welcome; false when this message was already recorded.</summary>
    public bool TryRecordWelcome(long messageId, User user)
    {
        if (!_welcomed.TryAdd(messageId, user)) return false;
        _changed.Release();
        return true;
    }

    /// <summary>Every welcomed user.</summary>
    public IReadOnlyCollection<User> Welcomed => [.. _welcomed.Values];

    /// <summary>Waits until at least <paramref name="count"/> users were welcomed.</summary>
    public async Task WaitForWelcomesAsync(int count, CancellationToken cancellationToken)
    {
        while (_welcomed.Count < count)
            await _changed.WaitAsync(cancellationToken);
    }
}

using Broker.Engine.Storage;

namespace Broker.Engine.Tests.Management;

/// <summary>
/// Another store with a hook that runs before each payload read, outside the engine's locks: a test makes something
/// happen exactly between a peek's walk and its read (a completion, a compaction). Counts the reads that failed.
/// </summary>
internal sealed class HookedStore(IQueueStore inner) : IQueueStore
{
    private int _failedReads;

    /// <summary>Runs before the next read, once, then clears itself.</summary>
    public Action? BeforeNextRead { get; set; }

    /// <summary>Decides whether an append fails (and with what) instead of reaching the store; null for none.</summary>
    public Func<StoreRecord, Exception?>? FailAppend { get; set; }

    /// <summary>
    /// Decides whether an append waits for a task before it reaches the store (a slow disk); a faulted task fails the
    /// append with its exception. Null, or a null task, for none.
    /// </summary>
    public Func<StoreRecord, Task?>? HoldAppend { get; set; }

    /// <summary>Records appended so far, by kind.</summary>
    public Dictionary<StoreRecordKind, int> Appended { get; } = [];

    public int FailedReads => Volatile.Read(ref _failedReads);

    public ValueTask RecoverAsync(IStoreReplayTarget target, CancellationToken cancellationToken) => inner.RecoverAsync(target, cancellationToken);

    /// <summary>Decides whether a message write waits for a task first (a faulted one fails it); null, or a null task, for none.</summary>
    public Func<EnqueuedRecord, Task?>? HoldEnqueue { get; set; }

    public ValueTask<PayloadRef> EnqueueAsync(EnqueuedRecord record, ReadOnlyMemory<byte> headers, ReadOnlyMemory<byte> payload) =>
        HoldEnqueue?.Invoke(record) is { } hold ? EnqueueAfterAsync(hold, record, headers, payload) : inner.EnqueueAsync(record, headers, payload);

    private async ValueTask<PayloadRef> EnqueueAfterAsync(Task hold, EnqueuedRecord record, ReadOnlyMemory<byte> headers, ReadOnlyMemory<byte> payload)
    {
        await hold.ConfigureAwait(false);
        return await inner.EnqueueAsync(record, headers, payload).ConfigureAwait(false);
    }

    public ValueTask AppendAsync(StoreRecord record)
    {
        if (FailAppend?.Invoke(record) is { } failure)
            return ValueTask.FromException(failure);
        if (HoldAppend?.Invoke(record) is { } hold)
            return AppendAfterAsync(hold, record);
        return AppendNow(record);
    }

    private async ValueTask AppendAfterAsync(Task hold, StoreRecord record)
    {
        await hold.ConfigureAwait(false);
        await AppendNow(record).ConfigureAwait(false);
    }

    private ValueTask AppendNow(StoreRecord record)
    {
        lock (Appended)
            Appended[record.Kind] = Appended.GetValueOrDefault(record.Kind) + 1;
        return inner.AppendAsync(record);
    }

    public ReadOnlyMemory<byte> ReadPayload(in PayloadRef payload)
    {
        var hook = BeforeNextRead;
        BeforeNextRead = null;
        hook?.Invoke();
        try
        {
            return inner.ReadPayload(payload);
        }
        catch
        {
            Interlocked.Increment(ref _failedReads);
            throw;
        }
    }

    public void ForgetChannel(string channel, long lastId) => inner.ForgetChannel(channel, lastId);

    public ValueTask DeclareAsync(ChannelDefinition policy) => inner.DeclareAsync(policy);

    public void ForgetPolicy(string channel) => inner.ForgetPolicy(channel);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

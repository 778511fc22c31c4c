using Broker.Engine.Storage;

namespace Broker.Engine.Tests.Support;

/// <summary>A memory store whose message writes wait for the test to let them finish (or fail), like a slow disk.</summary>
internal sealed class GatedStore : IQueueStore
{
    private readonly MemoryQueueStore _inner = new();
    private TaskCompletionSource<bool>? _gate;

    public TaskCompletionSource WriteStarted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Enqueues { get; private set; }

    /// <summary>From now on, message writes wait for <see cref="Open"/> or <see cref="Fail"/>; a failure opens the gate again.</summary>
    public void Close()
    {
        _gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        WriteStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Open() => _gate?.TrySetResult(true);

    public void Fail() => _gate?.TrySetResult(false);

    public ValueTask RecoverAsync(IStoreReplayTarget target, CancellationToken cancellationToken) => _inner.RecoverAsync(target, cancellationToken);

    public async ValueTask<PayloadRef> EnqueueAsync(EnqueuedRecord record, ReadOnlyMemory<byte> headers, ReadOnlyMemory<byte> payload)
    {
        Enqueues++;
        if (_gate is { } gate)
        {
            WriteStarted.TrySetResult();
            if (!await gate.Task)
            {
                _gate = null;
                throw new IOException("The disk is full.");
            }
        }
        return await _inner.EnqueueAsync(record, headers, payload);
    }

    public ValueTask AppendAsync(StoreRecord record) => _inner.AppendAsync(record);

    public void ForgetChannel(string channel, long lastId) => _inner.ForgetChannel(channel, lastId);

    public ValueTask DeclareAsync(ChannelDefinition policy) => _inner.DeclareAsync(policy);

    public void ForgetPolicy(string channel) => _inner.ForgetPolicy(channel);

    public ReadOnlyMemory<byte> ReadPayload(in PayloadRef payload) => _inner.ReadPayload(payload);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}

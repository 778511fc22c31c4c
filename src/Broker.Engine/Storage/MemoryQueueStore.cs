using Broker.Transport;

namespace Broker.Engine.Storage;

/// <summary>
/// Keeps messages in memory: for tests, development and <c>UseInMemory()</c>. Nothing survives the process, but an
/// engine created over the same instance recovers everything an earlier engine stored (messages, retries, dead letters
/// and dedup keys), which is how tests prove the engine's recovery without a disk.
/// </summary>
/// <remarks>It keeps the current state rather than a log, so its memory follows the live messages and unexpired keys.</remarks>
public sealed class MemoryQueueStore : IQueueStore
{
    private readonly Dictionary<string, StoredChannel> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<long, byte[]> _payloads = [];
    private readonly Dictionary<string, ChannelDefinition> _policies = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _lastPosition;
    private long _idFloor;

    /// <summary>How many messages (live and dead-lettered) the store holds, across channels.</summary>
    public int MessageCount
    {
        get
        {
            lock (_gate)
                return _channels.Values.Sum(c => c.Messages.Count);
        }
    }

    /// <inheritdoc />
    /// <remarks>Memory cannot fail the way a disk does: always healthy.</remarks>
    public ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(TransportHealth.Healthy("The in-memory broker is running; it keeps messages in this process only."));

    /// <inheritdoc />
    public ValueTask RecoverAsync(IStoreReplayTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        // Copy under the lock, replay outside it: the target takes the engine's channel locks, and the engine calls
        // this store under those same locks.
        var replay = new List<Action<IStoreReplayTarget>>();
        lock (_gate)
        {
            var floor = _idFloor;
            replay.Add(t => t.IdFloor(floor));
            foreach (var policy in _policies.Values)
                replay.Add(t => t.Declared(policy));
            foreach (var (name, channel) in _channels)
            {
                var lastId = channel.LastId;
                replay.Add(t => t.LastId(name, lastId));
                foreach (var (key, dedup) in channel.DedupKeys)
                    replay.Add(t => t.DedupKey(name, key, dedup.MessageId, dedup.ExpiresAt));
                foreach (var (id, message) in channel.Messages.OrderBy(m => m.Key))
                {
                    // Dedup keys are replayed above, so the record carries none.
                    var record = new EnqueuedRecord(name, id, message.Priority, ToTime(message.ProducedAtTicks), ToTime(message.DueTicks), null, default)
                    {
                        OrderingKey = message.OrderingKey,
                    };
                    var payload = new PayloadRef(message.Position, message.Length, message.HeadersLength);
                    replay.Add(t => t.Enqueued(record, payload));
                    if (message.Tries != 0)
                    {
                        var retry = StoreRecord.RetryScheduled(name, id, message.Tries, ToTime(message.DueTicks));
                        replay.Add(t => t.Changed(retry));
                    }
                    if (message.Dead is { } dead)
                    {
                        var deadLettered = StoreRecord.DeadLettered(name, id, message.Tries, dead.Error, ToTime(dead.AtTicks));
                        replay.Add(t => t.Changed(deadLettered));
                    }
                }
            }
        }
        foreach (var step in replay)
        {
            cancellationToken.ThrowIfCancellationRequested();
            step(target);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<PayloadRef> EnqueueAsync(EnqueuedRecord record, ReadOnlyMemory<byte> headers, ReadOnlyMemory<byte> payload)
    {
        var copy = new byte[headers.Length + payload.Length];
        headers.Span.CopyTo(copy);
        payload.Span.CopyTo(copy.AsSpan(headers.Length));
        long position;
        lock (_gate)
        {
            position = ++_lastPosition;
            _payloads.Add(position, copy);
            var channel = GetChannel(record.Channel);
            channel.LastId = Math.Max(channel.LastId, record.Id);
            if (channel.Messages.Remove(record.Id, out var replaced))
                _payloads.Remove(replaced.Position);
            channel.Messages[record.Id] = new StoredMessage(position, copy.Length, record.Priority, record.ProducedAt.UtcTicks) { DueTicks = record.DueAt.UtcTicks, HeadersLength = headers.Length, OrderingKey = record.OrderingKey };
            if (record.DedupKey is { } key)
                channel.DedupKeys[key] = new StoredDedup(record.Id, record.DedupExpiresAt);
        }
        return ValueTask.FromResult(new PayloadRef(position, copy.Length, headers.Length));
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(StoreRecord record)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(record.Channel, out var channel))
                return ValueTask.CompletedTask;
            if (record.Kind == StoreRecordKind.DedupExpired)
            {
                if (channel.DedupKeys.TryGetValue(record.DedupKey, out var dedup) && dedup.MessageId == record.Id)
                    channel.DedupKeys.Remove(record.DedupKey);
                return ValueTask.CompletedTask;
            }
            if (!channel.Messages.TryGetValue(record.Id, out var message))
                return ValueTask.CompletedTask;
            if (Apply(message, record))
            {
                channel.Messages.Remove(record.Id);
                _payloads.Remove(message.Position);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> ReadPayload(in PayloadRef payload)
    {
        lock (_gate)
        {
            return _payloads.TryGetValue(payload.Position, out var bytes)
                ? bytes
                : throw new InvalidOperationException($"The memory store holds no payload at position {payload.Position}.");
        }
    }

    /// <inheritdoc />
    public ValueTask DeclareAsync(ChannelDefinition policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (_gate)
            _policies[policy.Name] = policy;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void ForgetPolicy(string channel)
    {
        lock (_gate)
            _policies.Remove(channel);
    }

    /// <inheritdoc />
    public void ForgetChannel(string channel, long lastId)
    {
        lock (_gate)
        {
            _idFloor = Math.Max(_idFloor, lastId);
            // The engine forgets only a channel with no message and no key; anything still here would be a payload leak.
            if (_channels.Remove(channel, out var stored))
            {
                foreach (var message in stored.Messages.Values)
                    _payloads.Remove(message.Position);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Applies a change; true when the message is gone.</summary>
    private static bool Apply(StoredMessage message, in StoreRecord record)
    {
        switch (record.Kind)
        {
            case StoreRecordKind.Completed:
            case StoreRecordKind.Deleted:
                return true;
            case StoreRecordKind.RetryScheduled:
                message.Tries = record.Tries;
                message.DueTicks = record.At.UtcTicks;
                break;
            case StoreRecordKind.DeadLettered:
                message.Tries = record.Tries;
                message.Dead = new StoredDeadLetter(record.Error, record.At.UtcTicks);
                break;
            case StoreRecordKind.Redriven:
                message.Tries = 0;
                message.DueTicks = record.At.UtcTicks;
                message.Dead = null;
                break;
            default:
                throw new InvalidOperationException($"Unknown store record kind {record.Kind}.");
        }
        return false;
    }

    private static DateTimeOffset ToTime(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    private StoredChannel GetChannel(string name)
    {
        if (!_channels.TryGetValue(name, out var channel))
            _channels.Add(name, channel = new StoredChannel());
        return channel;
    }

    private sealed class StoredChannel
    {
        public long LastId { get; set; }

        public Dictionary<long, StoredMessage> Messages { get; } = [];

        public Dictionary<UInt128, StoredDedup> DedupKeys { get; } = [];
    }

    /// <summary>Only what replay needs, so a large in-memory backlog stays as small as it can.</summary>
    private sealed class StoredMessage(long position, int length, int priority, long producedAtTicks)
    {
        public long Position { get; } = position;

        public int Length { get; } = length;

        public int HeadersLength { get; init; }

        public string? OrderingKey { get; init; }

        public int Priority { get; } = priority;

        public long ProducedAtTicks { get; } = producedAtTicks;

        public long DueTicks { get; set; }

        public int Tries { get; set; }

        public StoredDeadLetter? Dead { get; set; }
    }

    private sealed record StoredDeadLetter(string? Error, long AtTicks);

    private readonly record struct StoredDedup(long MessageId, DateTimeOffset ExpiresAt);
}

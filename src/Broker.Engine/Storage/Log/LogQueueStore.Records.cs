using System.Text;

namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    // Dead-letter reasons are for people; a longer one is cut so a record stays small.
    private const int MaxErrorChars = 16 * 1024;
    private const int MessageFixedBody = 4 + 8 + 4 + 8 + 8 + 1;

    // Guarded by _gate. Only channels the engine holds: a forgotten one is dropped and covered by _idFloor.
    private readonly Dictionary<string, ChannelInfo> _channelsByName = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, ChannelInfo> _channelsByNumber = [];
    private uint _lastChannelNumber;
    private long _idFloor;
    // Guarded by _gate: the policies the engine keeps, repeated at the start of every segment.
    private readonly Dictionary<string, ChannelDefinition> _policies = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<PayloadRef> EnqueueAsync(EnqueuedRecord record, ReadOnlyMemory<byte> headers, ReadOnlyMemory<byte> payload)
    {
        if (headers.Length > ushort.MaxValue)
            throw new ArgumentException($"The headers of message {record.Id} of channel '{record.Channel}' take {headers.Length} bytes; the log keeps at most {ushort.MaxValue}.", nameof(headers));
        ThrowIfReadOnly();
        Task durable;
        PayloadRef reference;
        Segment head;
        lock (_gate)
        {
            var channel = ChannelLocked(record.Channel);
            var key = record.DedupKey;
            var position = WriteMessageLocked(
                channel, record.Id, record.Priority, record.ProducedAt.UtcTicks, record.DueAt.UtcTicks,
                key, record.DedupExpiresAt.UtcTicks, carried: null, record.OrderingKey, headers.Span, payload.Span);
            // After the record: a segment that this message starts names, in its header, only the ids before it.
            channel.LastId = Math.Max(channel.LastId, record.Id);
            reference = new PayloadRef(position, headers.Length + payload.Length, headers.Length);
            head = _head!;
            head.AddLive(reference.Length);
            if (key is not null)
                head.RecordKey(record.DedupExpiresAt.UtcTicks);
            durable = _open.Done.Task;
        }
        return durable.IsCompletedSuccessfully ? ValueTask.FromResult(reference) : AwaitDurable(durable, reference, head);
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(StoreRecord record)
    {
        lock (_gate)
        {
            // Expiry is a matter of time: replay drops expired keys by their recorded expiry, so there is nothing to store.
            if (record.Kind == StoreRecordKind.DedupExpired)
                return ValueTask.CompletedTask;
            ThrowIfReadOnly();
            var channel = ChannelLocked(record.Channel);
            switch (record.Kind)
            {
                case StoreRecordKind.Completed:
                case StoreRecordKind.Deleted:
                    WriteFinishedLocked(channel, record);
                    // Counted when durable: a completion that fails leaves the message where it is, still needed.
                    if (record.Payload.Position != 0)
                        _open.Finished.Add(record.Payload);
                    break;
                case StoreRecordKind.RetryScheduled:
                {
                    var body = new BodyWriter(ReserveRecord(4 + 8 + 4 + 8, out var span, out var batchStart));
                    body.U32(channel.Number);
                    body.I64(record.Id);
                    body.I32(record.Tries);
                    body.I64(record.At.UtcTicks);
                    LogRecord.Seal(span, LogRecordType.RetryScheduled, batchStart);
                    break;
                }
                case StoreRecordKind.DeadLettered:
                {
                    var error = Truncate(record.Error);
                    var body = new BodyWriter(ReserveRecord(4 + 8 + 4 + 8 + 4 + LogRecord.Utf8Length(error), out var span, out var batchStart));
                    body.U32(channel.Number);
                    body.I64(record.Id);
                    body.I32(record.Tries);
                    body.I64(record.At.UtcTicks);
                    body.NullableString(error);
                    LogRecord.Seal(span, LogRecordType.DeadLettered, batchStart);
                    break;
                }
                case StoreRecordKind.Redriven:
                {
                    var body = new BodyWriter(ReserveRecord(4 + 8 + 8, out var span, out var batchStart));
                    body.U32(channel.Number);
                    body.I64(record.Id);
                    body.I64(record.At.UtcTicks);
                    LogRecord.Seal(span, LogRecordType.Redriven, batchStart);
                    break;
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(record), record.Kind, "Unknown store record kind.");
            }
            return new ValueTask(_open.Done.Task);
        }
    }

    private async ValueTask<PayloadRef> AwaitDurable(Task durable, PayloadRef reference, Segment segment)
    {
        try
        {
            await durable.ConfigureAwait(false);
        }
        catch
        {
            // Not stored: the segment does not hold it, and compaction must be able to delete the segment.
            lock (_gate)
                segment.RemoveLive(reference.Length);
            throw;
        }
        return reference;
    }

    private static string? Truncate(string? error) => error is { Length: > MaxErrorChars } ? error[..MaxErrorChars] : error;

    /// <summary>A message's payload is no longer needed where it is: the segment there may become deletable.</summary>
    private void Finished(PayloadRef payload)
    {
        if (payload.Position != 0 && _bySequence.TryGetValue(Segment.SequenceOf(payload.Position), out var segment))
        {
            segment.RemoveLive(payload.Length);
        }
    }

    private void WriteFinishedLocked(ChannelInfo channel, in StoreRecord record)
    {
        var body = new BodyWriter(ReserveRecord(4 + 8 + 8, out var span, out var batchStart));
        body.U32(channel.Number);
        body.I64(record.Id);
        body.I64(record.Payload.Position);
        LogRecord.Seal(span, record.Kind == StoreRecordKind.Completed ? LogRecordType.Completed : LogRecordType.Deleted, batchStart);
    }

    /// <summary>Writes a message record; returns its position.</summary>
    private long WriteMessageLocked(
        ChannelInfo channel, long id, int priority, long producedTicks, long dueTicks, UInt128? key, long keyExpiresTicks,
        MessageState? carried, string? orderingKey, ReadOnlySpan<byte> headers, ReadOnlySpan<byte> payload)
    {
        var flags = MessageFlags.None;
        var size = MessageFixedBody + headers.Length + payload.Length;
        if (key is not null)
        {
            flags |= MessageFlags.HasKey;
            size += 16 + 8;
        }
        string? error = null;
        if (carried is { } state)
        {
            flags |= MessageFlags.Carried;
            if (state.DeadLettered)
                flags |= MessageFlags.DeadLettered;
            error = Truncate(state.Error);
            size += 4 + 8 + 4 + LogRecord.Utf8Length(error);
        }
        if (orderingKey is not null)
        {
            flags |= MessageFlags.HasOrderingKey;
            size += 2 + LogRecord.Utf8Length(orderingKey);
        }
        if (!headers.IsEmpty)
        {
            flags |= MessageFlags.HasHeaders;
            size += 2;
        }
        // A message keeps out of the room kept for completions: see ReservedBytes.
        var body = new BodyWriter(ReserveRecord(size, out var span, out var batchStart, out var position, keepRoom: true));
        body.U32(channel.Number);
        body.I64(id);
        body.I32(priority);
        body.I64(producedTicks);
        body.I64(dueTicks);
        body.U8((byte)flags);
        if (key is { } k)
        {
            body.U128(k);
            body.I64(keyExpiresTicks);
        }
        if (carried is { } c)
        {
            body.I32(c.Tries);
            body.I64(c.DeadLetteredAt.UtcTicks);
            body.NullableString(error);
        }
        if (orderingKey is not null)
            body.ShortString(orderingKey);
        if (!headers.IsEmpty)
        {
            body.U16((ushort)headers.Length);
            body.Bytes(headers);
        }
        body.Bytes(payload);
        LogRecord.Seal(span, LogRecordType.Message, batchStart);
        return position;
    }

    private void WriteDedupKeyLocked(ChannelInfo channel, long id, UInt128 key, long expiresTicks)
    {
        var body = new BodyWriter(ReserveRecord(4 + 8 + 16 + 8, out var span, out var batchStart));
        body.U32(channel.Number);
        body.I64(id);
        body.U128(key);
        body.I64(expiresTicks);
        LogRecord.Seal(span, LogRecordType.DedupKey, batchStart);
        _head!.RecordKey(expiresTicks);
    }

    private Span<byte> ReserveRecord(int bodySize, out Span<byte> record, out bool batchStart) =>
        ReserveRecord(bodySize, out record, out batchStart, out _);

    private Span<byte> ReserveRecord(int bodySize, out Span<byte> record, out bool batchStart, out long position, bool keepRoom = false)
    {
        record = Reserve(LogRecord.HeaderSize + bodySize, out position, out batchStart, keepRoom);
        return record[LogRecord.HeaderSize..];
    }

    /// <inheritdoc />
    public void ForgetChannel(string channel, long lastId)
    {
        lock (_gate)
        {
            _idFloor = Math.Max(_idFloor, lastId);
            if (_channelsByName.Remove(channel, out var info))
                _channelsByNumber.Remove(info.Number);
        }
    }

    /// <summary>
    /// The channel's number in this log, defining it (a record) on first use. A channel used again after it was
    /// forgotten gets a new number: records of the old one may still be in older segments, and replay maps both
    /// numbers to the same name.
    /// </summary>
    private ChannelInfo ChannelLocked(string name)
    {
        if (_channelsByName.TryGetValue(name, out var channel))
            return channel;
        channel = new ChannelInfo(++_lastChannelNumber, name);
        _channelsByName.Add(name, channel);
        _channelsByNumber.Add(channel.Number, channel);
        WriteChannelDefinedLocked(channel);
        return channel;
    }

    /// <summary>
    /// The start of every segment names every channel the engine holds with its last id, and the id floor of the
    /// channels it forgot, so a segment never needs an older one for names or for the highest id handed out.
    /// </summary>
    private void WriteChannelHeaderLocked()
    {
        if (_idFloor > 0)
        {
            var record = ReserveInHead(LogRecord.HeaderSize + 8, out _, out var batchStart);
            new BodyWriter(record[LogRecord.HeaderSize..]).I64(_idFloor);
            LogRecord.Seal(record, LogRecordType.IdFloor, batchStart);
        }
        foreach (var channel in _channelsByNumber.Values.OrderBy(c => c.Number))
            WriteChannelDefinedLocked(channel, inHeader: true);
        foreach (var policy in _policies.Values)
            WritePolicyLocked(policy, inHeader: true);
    }

    /// <inheritdoc />
    public ValueTask DeclareAsync(ChannelDefinition policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ThrowIfReadOnly();
        lock (_gate)
        {
            // Written first: a declaration the log refuses (a full disk, a stopped log) must not be repeated in later
            // segment headers either.
            WritePolicyLocked(policy);
            _policies[policy.Name] = policy;
            return new ValueTask(_open.Done.Task);
        }
    }

    /// <inheritdoc />
    public void ForgetPolicy(string channel)
    {
        lock (_gate)
            _policies.Remove(channel);
    }

    private const int PolicyFixedBody = 1 + 8 + 4 + 8;

    private void WritePolicyLocked(ChannelDefinition policy, bool inHeader = false)
    {
        var size = LogRecord.HeaderSize + PolicyFixedBody + Encoding.UTF8.GetByteCount(policy.Name);
        var record = inHeader ? ReserveInHead(size, out _, out var batchStart) : Reserve(size, out _, out batchStart, keepRoom: true);
        var body = new BodyWriter(record[LogRecord.HeaderSize..]);
        body.U8((byte)policy.Process);
        body.I64(policy.DedupInterval.Ticks);
        body.I32(policy.MaxAttempts);
        body.I64(policy.RetryDelay.Ticks);
        body.Utf8(policy.Name);
        LogRecord.Seal(record, LogRecordType.ChannelPolicy, batchStart);
    }

    /// <summary>Reads a policy record's body; null (and why) when its values are not a valid policy.</summary>
    private static ChannelDefinition? ReadPolicy(ReadOnlySpan<byte> bodyBytes, out string? problem)
    {
        var body = new BodyReader(bodyBytes);
        var process = (QueueMessageProcessing)body.U8();
        var dedup = body.I64();
        var maxAttempts = body.I32();
        var retryDelay = body.I64();
        var name = Encoding.UTF8.GetString(body.Rest);
        try
        {
            problem = null;
            return new ChannelDefinition(
                name, process, process == QueueMessageProcessing.ExactlyOnce ? TimeSpan.FromTicks(dedup) : null, maxAttempts, TimeSpan.FromTicks(retryDelay));
        }
        catch (ArgumentException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// Names a channel with its last id. In a segment's header it goes into the head as it is (a header never rolls);
    /// a new channel may roll the log, and the new segment's header then names it as well (a second definition changes
    /// nothing).
    /// </summary>
    private void WriteChannelDefinedLocked(ChannelInfo channel, bool inHeader = false)
    {
        var size = LogRecord.HeaderSize + 4 + 8 + Encoding.UTF8.GetByteCount(channel.Name);
        var record = inHeader ? ReserveInHead(size, out _, out var batchStart) : Reserve(size, out _, out batchStart, keepRoom: true);
        var body = new BodyWriter(record[LogRecord.HeaderSize..]);
        body.U32(channel.Number);
        body.I64(channel.LastId);
        body.Utf8(channel.Name);
        LogRecord.Seal(record, LogRecordType.ChannelDefined, batchStart);
    }

    private sealed class ChannelInfo(uint number, string name)
    {
        public uint Number { get; } = number;

        public string Name { get; } = name;

        public long LastId { get; set; }
    }
}

namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    private readonly SemaphoreSlim _compactionGate = new(1, 1);
    private CancellationTokenSource? _compactionStop;
    private Task? _compactionLoop;

    /// <summary>Bytes of the records of unfinished messages, and bytes written to the segments (for tests and tools).</summary>
    public (long LiveBytes, long LogBytes) Usage
    {
        get
        {
            lock (_gate)
                return (_segments.Sum(s => s.LiveBytes), _segments.Sum(s => s.End));
        }
    }

    /// <summary>
    /// Runs compaction now, oldest segment first: a segment with no unfinished message and no unexpired dedup key is
    /// deleted; one whose live fraction (or the whole log's) is below <see cref="LogStoreOptions.CompactionThreshold"/>
    /// is rewritten (its live messages and keys copied to the head) and deleted. Never touches the head segment. Only
    /// ever removing the oldest segment keeps replay simple: no record left behind refers to a message whose
    /// record is gone, except ones that are finished.
    /// </summary>
    /// <param name="cancellationToken">Stops between segments.</param>
    /// <returns>How many segments were deleted.</returns>
    public async Task<int> CompactAsync(CancellationToken cancellationToken = default)
    {
        await _compactionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CloseRetired();
            var deleted = 0;
            long headAtStart;
            lock (_gate)
                headAtStart = _head?.Sequence ?? 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                Segment oldest;
                bool rewrite;
                var retire = false;
                lock (_gate)
                {
                    if (!_recovered || _stopping || _failure is not null || _segments.Count < 2)
                        break;
                    oldest = _segments[0];
                    // Never the head, and never a segment this pass wrote: what it copied is not to be copied again.
                    if (oldest.Sequence >= headAtStart || ReferenceEquals(oldest, _head))
                        break;
                    // The next segment's start (which names every channel's last id) must be on disk before the oldest,
                    // which may be the last to name them, goes.
                    if (_segments[1].Durable == 0)
                        break;
                    var now = _time.GetUtcNow().UtcTicks;
                    if (oldest.Live == 0 && oldest.MaxKeyExpiry <= now)
                    {
                        RetireLocked(oldest);
                        retire = true;
                    }
                }
                if (retire)
                {
                    Delete(oldest);
                    deleted++;
                    continue;
                }
                lock (_gate)
                {
                    // Copying takes room in the head: not while the disk is full.
                    if (_noRoom is not null)
                        break;
                    var now = _time.GetUtcNow().UtcTicks;
                    var threshold = _options.CompactionThreshold;
                    var totalNeeded = _segments.Sum(s => s.NeededBytes(now));
                    var totalBytes = _segments.Sum(s => s.End);
                    rewrite = oldest.NeededBytes(now) < threshold * oldest.End || totalNeeded < threshold * totalBytes;
                }
                if (!rewrite || !await RewriteAsync(oldest, cancellationToken).ConfigureAwait(false))
                    break;
                deleted++;
            }
            return deleted;
        }
        finally
        {
            _compactionGate.Release();
        }
    }

    /// <summary>
    /// Copies what is still needed from the oldest segment to the head, then deletes it. Stopping the log stops it
    /// between records: the copies made so far are harmless (the originals stay until the segment is deleted).
    /// </summary>
    private async Task<bool> RewriteAsync(Segment oldest, CancellationToken cancellationToken)
    {
        var target = _target!;
        var now = _time.GetUtcNow().UtcTicks;
        var carrier = new Carrier(this);
        var carried = new List<(string Channel, long Id, PayloadRef From, PayloadRef To)>();
        Task? last = null;
        var reader = new SegmentReader(oldest.File!, oldest.End);
        while (reader.Next(out var span))
        {
            if (cancellationToken.IsCancellationRequested)
                return false;
            var offset = reader.Offset - span.Length;
            var record = span.ToArray();
            var type = LogRecord.TypeOf(record);
            if (type is not (LogRecordType.Message or LogRecordType.DedupKey))
                continue;
            var body = new BodyReader(record.AsSpan(LogRecord.HeaderSize));
            var channelNumber = body.U32();
            var id = body.I64();
            string channelName;
            lock (_gate)
            {
                if (!_channelsByNumber.TryGetValue(channelNumber, out var channel))
                    continue;
                channelName = channel.Name;
            }
            if (type == LogRecordType.DedupKey)
            {
                var key = body.U128();
                var expires = body.I64();
                if (expires > now)
                    last = CarryKey(channelName, id, key, expires);
                continue;
            }
            var message = MessageFields.Read(ref body);
            var position = Segment.PositionOf(oldest.Sequence, offset);
            var payloadLength = record.Length - LogRecord.HeaderSize - body.Position;
            carrier.Begin(channelName, id, message, record.AsMemory(record.Length - payloadLength), now);
            if (target.TryCarry(channelName, id, position, carrier))
            {
                carried.Add((channelName, id, new PayloadRef(position, payloadLength, message.HeadersLength), carrier.Copy));
                last = carrier.Durable;
            }
            else if (message.Key is { } key && message.KeyExpiresTicks > now)
            {
                // Finished, but its dedup key still blocks equal messages: the key outlives the message.
                last = CarryKey(channelName, id, key, message.KeyExpiresTicks);
            }
        }
        if (reader.Problem is { } problem)
        {
            LogCompactionStopped(oldest.Path, reader.Offset, problem);
            return false;
        }
        if (last is not null)
            await last.ConfigureAwait(false);

        foreach (var (channel, id, from, to) in carried)
        {
            // The engine's lock first, then the store's, as everywhere: never call the engine holding _gate.
            if (!target.Relocate(channel, id, from, to))
                continue; // finished meanwhile: its completion already counted against the old segment
            lock (_gate)
            {
                oldest.RemoveLive(from.Length);
                if (_bySequence.TryGetValue(Segment.SequenceOf(to.Position), out var copy))
                {
                    copy.AddLive(to.Length);
                }
            }
        }
        lock (_gate)
        {
            if (oldest.Live > 0 || _segments.Count == 0 || !ReferenceEquals(_segments[0], oldest))
                return false;
            LogRewritten(oldest.Path, carried.Count);
            RetireLocked(oldest);
        }
        Delete(oldest);
        return true;
    }

    private Task CarryKey(string channel, long id, UInt128 key, long expiresTicks)
    {
        lock (_gate)
        {
            WriteDedupKeyLocked(ChannelLocked(channel), id, key, expiresTicks);
            return _open.Done.Task;
        }
    }

    /// <summary>Takes the oldest segment out of use. Its file stays open until the next pass, for reads already on their way.</summary>
    private void RetireLocked(Segment segment)
    {
        _segments.Remove(segment);
        PublishSegments();
        _retired.Add(segment);
    }

    /// <summary>
    /// Deletes a retired segment's file, after the manifest says the log starts past it: a file missing below that is
    /// expected, one present is a leftover the next open deletes, so a crash in between loses nothing and raises no
    /// false alarm.
    /// </summary>
    private void Delete(Segment segment)
    {
        long first;
        lock (_gate)
            first = _segments.Count > 0 ? _segments[0].Sequence : segment.Sequence + 1;
        UpdateManifest(first, last: null);
        _fs.Delete(segment.Path);
        LogSegmentDeleted(segment.Path);
    }

    private void CloseRetired()
    {
        Segment[] retired;
        lock (_gate)
        {
            retired = [.. _retired];
            _retired.Clear();
        }
        foreach (var segment in retired)
            segment.File?.Dispose();
    }

    private void StartCompaction()
    {
        _compactionStop = new CancellationTokenSource();
        var token = _compactionStop.Token;
        _compactionLoop = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(_options.CompactionInterval, _time, token).ConfigureAwait(false);
                    if (await CompactAsync(token).ConfigureAwait(false) > 0 || IsFull)
                        await RetryRoomAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    LogCompactionFailed(ex);
                }
            }
        }, CancellationToken.None);
    }

    private void StopCompaction()
    {
        _compactionStop?.Cancel();
        try
        {
            _compactionLoop?.Wait();
        }
        catch (AggregateException)
        {
            // Logged by the loop.
        }
        _compactionGate.Wait();
        _compactionGate.Release();
        _compactionStop?.Dispose();
    }

    /// <summary>Writes the copy of one message with the state the engine hands it, under the engine's channel lock.</summary>
    private sealed class Carrier(LogQueueStore store) : ICarryWriter
    {
        private string _channel = string.Empty;
        private long _id;
        private MessageFields _message;
        private ReadOnlyMemory<byte> _payload;
        private long _now;

        public PayloadRef Copy { get; private set; }

        public Task? Durable { get; private set; }

        public void Begin(string channel, long id, in MessageFields message, ReadOnlyMemory<byte> payload, long now)
        {
            _channel = channel;
            _id = id;
            _message = message;
            _payload = payload;
            _now = now;
            Durable = null;
        }

        public void Carry(in MessageState state)
        {
            lock (store._gate)
            {
                var channel = store.ChannelLocked(_channel);
                var key = _message.Key is not null && _message.KeyExpiresTicks > _now ? _message.Key : null;
                // _payload is the message's stored bytes: its headers, then its payload.
                var headersLength = _message.HeadersLength;
                var position = store.WriteMessageLocked(
                    channel, _id, state.Priority, state.ProducedAt.UtcTicks, state.DueAt.UtcTicks, key, _message.KeyExpiresTicks, state, _message.OrderingKey,
                    _payload.Span[..headersLength], _payload.Span[headersLength..]);
                if (key is not null)
                    store._head!.RecordKey(_message.KeyExpiresTicks);
                Copy = new PayloadRef(position, _payload.Length, headersLength);
                Durable = store._open.Done.Task;
            }
        }
    }
}

namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    // Set by RecoverAsync and kept: compaction asks it for the state of the messages it copies.
    private IStoreReplayTarget? _target;

    /// <summary>
    /// Opens every segment and finds where its data ends. A damaged record with no intact write after it is a torn tail
    /// (a crash mid-write, never acknowledged under Fsync): cut off and logged. Damage with a later write after it, or in
    /// any segment but the last, was acknowledged data: the open fails naming the segment and offset, or the segment is
    /// moved aside when <see cref="LogStoreOptions.QuarantineCorruptSegments"/> is set.
    /// </summary>
    private void CheckSegments()
    {
        var spare = Path.Combine(Directory, SpareName);
        if (_fs.FileExists(spare))
            _fs.Delete(spare);
        var names = _fs.ListFiles(Directory, SegmentSuffix)
            .Select(name => (Name: name, Sequence: long.TryParse(Path.GetFileNameWithoutExtension(name), out var n) ? n : -1))
            .Where(s => s.Sequence > 0)
            .OrderBy(s => s.Sequence)
            .ToList();
        foreach (var name in _fs.ListFiles(Directory, ".corrupt"))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(Path.GetFileNameWithoutExtension(name)), out var quarantined))
                _lastSequence = Math.Max(_lastSequence, quarantined);
        }

        for (var i = 0; i < names.Count; i++)
        {
            var (name, sequence) = names[i];
            _lastSequence = Math.Max(_lastSequence, sequence);
            var segment = new Segment(sequence, Path.Combine(Directory, name));
            var file = _fs.Open(segment.Path, create: false);
            var isLast = i == names.Count - 1;
            var reader = new SegmentReader(file, file.Length);
            while (reader.Next(out _))
            {
            }
            if (reader.Problem is { } problem)
            {
                var at = reader.Offset;
                var later = reader.FindBatchStartAfter(at);
                if (isLast && later < 0)
                {
                    // A torn tail: the write that was under way when the process or machine stopped.
                    LogTornTail(segment.Path, at, file.Length - at, problem);
                    file.SetLength(at);
                    file.Sync();
                }
                else if (_options.QuarantineCorruptSegments)
                {
                    file.Dispose();
                    var moved = segment.Path + ".corrupt";
                    _fs.Rename(segment.Path, moved);
                    _fs.SyncDirectory(Directory);
                    LogQuarantined(segment.Path, at, problem, moved);
                    continue;
                }
                else
                {
                    file.Dispose();
                    throw new LogCorruptedException(segment.Path, at, problem);
                }
            }
            segment.File = file;
            segment.End = reader.Offset;
            segment.Durable = reader.Offset;
            _segments.Add(segment);
        }
        PublishSegments();
        _head = _segments.Count > 0 ? _segments[^1] : null;
        _headNeedsHeader = _head is { End: 0 };
    }

    /// <summary>Feeds every record to the engine, oldest segment first, then learns which segments hold live messages.</summary>
    private void Replay(IStoreReplayTarget target, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_recovered)
                throw new InvalidOperationException("The log was already recovered; it feeds one engine.");
        }
        var messages = 0L;
        foreach (var segment in _segments)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reader = new SegmentReader(segment.File!, segment.End);
            while (reader.Next(out var record, verify: false))
            {
                var at = reader.Offset - record.Length;
                if (ReplayRecord(target, segment, at, record))
                    messages++;
            }
        }
        // The engine knows which messages are unfinished (a message copied by compaction counts where its copy is).
        target.VisitUnfinished(payload =>
        {
            if (_bySequence.TryGetValue(Segment.SequenceOf(payload.Position), out var segment))
            {
                segment.AddLive(payload.Length);
            }
        });
        lock (_gate)
        {
            _target = target;
            _recovered = true;
        }
        LogRecovered(Directory, _segments.Count, messages);
    }

    private bool ReplayRecord(IStoreReplayTarget target, Segment segment, long offset, ReadOnlySpan<byte> record)
    {
        var type = LogRecord.TypeOf(record);
        var body = new BodyReader(record[LogRecord.HeaderSize..]);
        if (type == LogRecordType.ChannelDefined)
        {
            var number = body.U32();
            var lastId = body.I64();
            var name = System.Text.Encoding.UTF8.GetString(body.Rest);
            if (!_channelsByNumber.TryGetValue(number, out var known))
            {
                known = new ChannelInfo(number, name);
                _channelsByNumber.Add(number, known);
                // A channel forgotten and used again has a newer number; the name goes to the newest.
                _channelsByName[name] = known;
                _lastChannelNumber = Math.Max(_lastChannelNumber, number);
            }
            known.LastId = Math.Max(known.LastId, lastId);
            target.LastId(name, lastId);
            return false;
        }
        if (type == LogRecordType.IdFloor)
        {
            var floor = body.I64();
            _idFloor = Math.Max(_idFloor, floor);
            target.IdFloor(floor);
            return false;
        }

        var channelNumber = body.U32();
        if (!_channelsByNumber.TryGetValue(channelNumber, out var channel))
        {
            // Only possible when the segment that defined the channel was quarantined.
            LogUnknownChannel(segment.Path, offset, channelNumber);
            return false;
        }
        var channelName = channel.Name;
        var id = body.I64();
        switch (type)
        {
            case LogRecordType.Message:
            {
                var message = MessageFields.Read(ref body);
                channel.LastId = Math.Max(channel.LastId, id);
                var payload = new PayloadRef(Segment.PositionOf(segment.Sequence, offset), record.Length - LogRecord.HeaderSize - body.Position);
                target.Enqueued(
                    new EnqueuedRecord(channelName, id, message.Priority, Time(message.ProducedTicks), Time(message.DueTicks), message.Key, Time(message.KeyExpiresTicks)),
                    payload);
                if (message.Key is not null)
                    segment.RecordKey(message.KeyExpiresTicks);
                if ((message.Flags & MessageFlags.DeadLettered) != 0)
                    target.Changed(StoreRecord.DeadLettered(channelName, id, message.Tries, message.Error, Time(message.DeadLetteredTicks)));
                else if ((message.Flags & MessageFlags.Carried) != 0 && message.Tries != 0)
                    target.Changed(StoreRecord.RetryScheduled(channelName, id, message.Tries, Time(message.DueTicks)));
                return true;
            }
            case LogRecordType.Completed:
                target.Changed(StoreRecord.Completed(channelName, id, new PayloadRef(body.I64(), 0)));
                return false;
            case LogRecordType.Deleted:
                target.Changed(StoreRecord.Deleted(channelName, id, new PayloadRef(body.I64(), 0)));
                return false;
            case LogRecordType.RetryScheduled:
            {
                var tries = body.I32();
                target.Changed(StoreRecord.RetryScheduled(channelName, id, tries, Time(body.I64())));
                return false;
            }
            case LogRecordType.DeadLettered:
            {
                var tries = body.I32();
                var at = body.I64();
                target.Changed(StoreRecord.DeadLettered(channelName, id, tries, body.NullableString(), Time(at)));
                return false;
            }
            case LogRecordType.Redriven:
                target.Changed(StoreRecord.Redriven(channelName, id, Time(body.I64())));
                return false;
            case LogRecordType.DedupKey:
            {
                var key = body.U128();
                var expires = body.I64();
                segment.RecordKey(expires);
                target.DedupKey(channelName, key, id, Time(expires));
                return false;
            }
            default:
                return false;
        }
    }

    private static DateTimeOffset Time(long utcTicks) => new(Math.Clamp(utcTicks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
}

/// <summary>The fields of a message record after its channel and id.</summary>
internal readonly record struct MessageFields(
    int Priority, long ProducedTicks, long DueTicks, MessageFlags Flags, UInt128? Key, long KeyExpiresTicks, int Tries, long DeadLetteredTicks, string? Error)
{
    /// <summary>Reads them; leaves <paramref name="body"/> at the payload.</summary>
    public static MessageFields Read(ref BodyReader body)
    {
        var priority = body.I32();
        var produced = body.I64();
        var due = body.I64();
        var flags = (MessageFlags)body.U8();
        UInt128? key = null;
        long keyExpires = 0;
        if ((flags & MessageFlags.HasKey) != 0)
        {
            key = body.U128();
            keyExpires = body.I64();
        }
        var tries = 0;
        long deadAt = 0;
        string? error = null;
        if ((flags & MessageFlags.Carried) != 0)
        {
            tries = body.I32();
            deadAt = body.I64();
            error = body.NullableString();
        }
        return new MessageFields(priority, produced, due, flags, key, keyExpires, tries, deadAt, error);
    }
}

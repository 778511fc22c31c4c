namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    // Set by RecoverAsync and kept: compaction asks it for the state of the messages it copies.
    private IStoreReplayTarget? _target;

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
        SkipIds(target);
        lock (_gate)
        {
            // A channel forgotten and used again was named under two numbers; only the newest goes into new headers.
            foreach (var (number, channel) in _channelsByNumber.ToList())
            {
                if (!ReferenceEquals(_channelsByName.GetValueOrDefault(channel.Name), channel))
                    _channelsByNumber.Remove(number);
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
        if (type is LogRecordType.SegmentStart or LogRecordType.SegmentEnd)
            return false;
        if (type == LogRecordType.ChannelPolicy)
        {
            if (ReadPolicy(record[LogRecord.HeaderSize..], out var problem) is { } policy)
            {
                _policies[policy.Name] = policy;
                target.Declared(policy);
            }
            else
            {
                LogBadPolicy(segment.Path, offset, problem!);
            }
            return false;
        }

        var channelNumber = body.U32();
        if (!_channelsByNumber.TryGetValue(channelNumber, out var channel))
        {
            // Only possible when the segment that defined the channel was lost and the loss accepted.
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
                var payload = new PayloadRef(Segment.PositionOf(segment.Sequence, offset), record.Length - LogRecord.HeaderSize - body.Position, message.HeadersLength);
                target.Enqueued(
                    new EnqueuedRecord(channelName, id, message.Priority, Time(message.ProducedTicks), Time(message.DueTicks), message.Key, Time(message.KeyExpiresTicks))
                    {
                        OrderingKey = message.OrderingKey,
                    },
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

    /// <summary>
    /// After an accepted loss that may have held ids above every id the log still knows, moves every channel's last id
    /// and the id floor past anything the lost part can have handed out.
    /// </summary>
    private void SkipIds(IStoreReplayTarget target)
    {
        if (_idSkip == 0)
            return;
        LogIdsSkipped(_idSkip);
        var highest = _idFloor;
        foreach (var channel in _channelsByNumber.Values)
        {
            channel.LastId += _idSkip;
            highest = Math.Max(highest, channel.LastId);
            target.LastId(channel.Name, channel.LastId);
        }
        // A channel created in the lost part is named nowhere: it starts above every id.
        _idFloor = highest + _idSkip;
        target.IdFloor(_idFloor);
    }

    private static DateTimeOffset Time(long utcTicks) => new(Math.Clamp(utcTicks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
}

/// <summary>The fields of a message record after its channel and id.</summary>
internal readonly record struct MessageFields(
    int Priority, long ProducedTicks, long DueTicks, MessageFlags Flags, UInt128? Key, long KeyExpiresTicks, int Tries, long DeadLetteredTicks, string? Error, string? OrderingKey, int HeadersLength)
{
    /// <summary>Reads them; leaves <paramref name="body"/> at the headers (or, without any, the payload).</summary>
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
        var orderingKey = (flags & MessageFlags.HasOrderingKey) != 0 ? body.ShortString() : null;
        var headersLength = (flags & MessageFlags.HasHeaders) != 0 ? body.U16() : 0;
        return new MessageFields(priority, produced, due, flags, key, keyExpires, tries, deadAt, error, orderingKey, headersLength);
    }
}

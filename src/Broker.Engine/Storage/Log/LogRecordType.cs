namespace Broker.Engine.Storage.Log;

/// <summary>The kinds of record in a segment. Values are stored: never renumber.</summary>
internal enum LogRecordType : byte
{
    /// <summary>A channel's number in this log and its highest message id so far: <c>u32 channel, i64 lastId, utf8 name</c>.</summary>
    ChannelDefined = 1,

    /// <summary>
    /// A message: <c>u32 channel, i64 id, i32 priority, i64 producedTicks, i64 dueTicks, u8 flags, [u128 key, i64 keyExpiresTicks],
    /// [i32 tries, i64 deadLetteredTicks, i32 errorLength, utf8 error], [u16 orderingKeyLength, utf8 orderingKey],
    /// [u16 headersLength], headers, payload</c>. A copy
    /// made by compaction is flagged <see cref="MessageFlags.Carried"/> and carries the message's state; a message with
    /// headers is flagged <see cref="MessageFlags.HasHeaders"/>, and its headers' BSON document comes before the payload.
    /// </summary>
    Message = 2,

    /// <summary><c>u32 channel, i64 id, i64 position</c>.</summary>
    Completed = 3,

    /// <summary><c>u32 channel, i64 id, i32 tries, i64 dueTicks</c>.</summary>
    RetryScheduled = 4,

    /// <summary><c>u32 channel, i64 id, i32 tries, i64 atTicks, i32 errorLength, utf8 error</c>.</summary>
    DeadLettered = 5,

    /// <summary><c>u32 channel, i64 id, i64 atTicks</c>.</summary>
    Redriven = 6,

    /// <summary><c>u32 channel, i64 id, i64 position</c>.</summary>
    Deleted = 7,

    /// <summary>A dedup key that outlives its message's record: <c>u32 channel, i64 id, u128 key, i64 expiresTicks</c>.</summary>
    DedupKey = 8,

    /// <summary>
    /// <c>i64 floor</c>: every id handed out by a channel the log forgot (it held nothing) is at most this, so a channel
    /// not named by a ChannelDefined record starts above it. Written at the start of a segment.
    /// </summary>
    IdFloor = 9,

    /// <summary>
    /// The first record of every segment: <c>i64 sequence, i64 preallocatedLength</c> (0 when the file grows as written),
    /// so recovery can tell a file renamed from another segment, or one shorter than it was created.
    /// </summary>
    SegmentStart = 10,

    /// <summary>
    /// The last record of a full segment, written when the log moves on to <c>i64 nextSequence</c>: a segment other than
    /// the newest that ends without it was cut short.
    /// </summary>
    SegmentEnd = 11,

    /// <summary>
    /// A channel's declared policy: <c>u8 process, i64 dedupTicks, i32 maxAttempts, i64 retryDelayTicks, utf8 name</c>.
    /// Written when a declaration changes it, and again at the start of every segment for every policy the engine
    /// keeps; the last one replayed for a name wins.
    /// </summary>
    ChannelPolicy = 12,
}

/// <summary>Flags of a <see cref="LogRecordType.Message"/> record.</summary>
[Flags]
internal enum MessageFlags : byte
{
    None = 0,
    HasKey = 1,
    Carried = 2,
    DeadLettered = 4,
    HasHeaders = 8,

    /// <summary>The message has an ordering key (<c>docs/ordering.md</c>), written before its headers' length.</summary>
    HasOrderingKey = 16,
}

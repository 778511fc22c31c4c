namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    // The record that ends a full segment; room for it is kept in every segment.
    private const int SegmentEndBytes = LogRecord.HeaderSize + 8;

    // ENOSPC and EDQUOT: the only write failures the log recovers from by itself (IOException.HResult is the errno on Unix).
    private const int NoSpace = 28;
    private const int QuotaExceeded = 122;

    // Guarded by _gate: set while the disk has no room for the next segment.
    private Exception? _noRoom;

    /// <summary>
    /// Whether the log is refusing new messages for lack of disk space (it still takes completions, retries and dead
    /// letters into the room it kept). It accepts messages again by itself once a segment fits on the disk again.
    /// </summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
                return _noRoom is not null;
        }
    }

    /// <summary>
    /// The room every segment keeps for completions, retries and dead letters: new messages start the next segment
    /// before they would use it, so when the disk has no room for that segment, settling still fits (as far as this
    /// room goes) and consumers can drain the queue.
    /// </summary>
    private long ReservedBytes => Math.Min(_options.SegmentBytes / 8, 1024 * 1024);

    /// <summary>Whether <paramref name="exception"/> (or what caused it) says the disk or the quota is full.</summary>
    internal static bool IsDiskFull(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StoreFullException || (e is IOException && e.HResult is NoSpace or QuotaExceeded))
                return true;
        }
        return false;
    }

    /// <summary>Under _gate, before a new segment is started: refuses it while the disk has no room for one.</summary>
    private void EnsureRoomForSegment()
    {
        if (!_options.PreallocateSegments)
            return;
        if (_spare is { IsFaulted: true } spare)
        {
            _noRoom ??= spare.Exception!.InnerException!;
            throw Full(_noRoom);
        }
    }

    private StoreFullException Full(Exception cause) => new(
        $"The disk of the log in '{Directory}' has no room for another segment of {_options.SegmentBytes} bytes (SegmentBytes); nothing was stored. " +
        "The log takes completions into the room it kept, and accepts new messages again by itself once space is free.",
        cause);

    /// <summary>Called when the next segment could not be prepared.</summary>
    private void SpaceLost(Exception exception)
    {
        lock (_gate)
        {
            if (_noRoom is not null)
                return;
            _noRoom = exception;
        }
        LogDiskFull(Directory, _options.SegmentBytes, exception.Message);
    }

    /// <summary>
    /// Tries again to prepare the next segment after the disk was full (compaction calls it on every pass, and after it
    /// deleted a segment); once one fits, new messages are accepted again.
    /// </summary>
    private async Task RetryRoomAsync()
    {
        Task<ILogFile> attempt;
        lock (_gate)
        {
            if (_stopping || (_noRoom is null && _spare is not { IsFaulted: true }))
                return;
            if (!_options.PreallocateSegments)
            {
                // Nothing to prepare: a write that finds no room is refused and rolled back on its own.
                _noRoom = null;
                return;
            }
            // A write can run out of room while the next segment is ready: then that segment is the proof of room.
            attempt = _spare is null or { IsFaulted: true } ? _spare = PrepareSpareAsync() : _spare;
        }
        try
        {
            await attempt.ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Still full; SpaceLost keeps the first cause.
            return;
        }
        bool wasFull;
        lock (_gate)
        {
            wasFull = _noRoom is not null;
            _noRoom = null;
        }
        if (wasFull)
            LogSpaceRegained(Directory);
    }

    /// <summary>
    /// At open: checks the disk can take what the log needs right away (the next segment, and a first segment for a new
    /// directory), naming SegmentBytes when it cannot, so a directory on a disk that is too small fails at start and not
    /// at the first produce.
    /// </summary>
    private void CheckRoomAtOpen(bool needsSegment)
    {
        if (!_options.PreallocateSegments)
            return;
        var needed = (needsSegment ? 2 : 1) * _options.SegmentBytes;
        var free = _fs.FreeBytes(Directory);
        if (free < needed)
        {
            throw new StoreFullException(
                $"The disk of '{Directory}' has {free} bytes free; the log needs {needed} ({(needsSegment ? "a first segment and the next one" : "the next segment")}, " +
                $"{_options.SegmentBytes} bytes each: SegmentBytes). Free space, or use smaller segments.");
        }
    }
}

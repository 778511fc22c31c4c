namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    /// <summary>
    /// A batch failed. The log is rolled back to where that batch began, as if neither it nor the records queued behind
    /// it had been written: what of them may have reached a file is zeroed (or cut off, for a file that grows as
    /// written) and synced, segments that were never created are given up, and every caller of both batches is told
    /// nothing was stored. A full disk stops nothing: the log takes writes again at once, and refuses new messages
    /// while the disk has no room for another segment. Any other failure stops the log until it is reopened (after a
    /// failed write or fsync the kernel may have dropped pages, so only what is on disk is safe, as PostgreSQL does). If
    /// even the rollback fails, the callers of the failed batch are told their outcome is unknown.
    /// </summary>
    private void Failed(WriteBatch batch, Exception exception)
    {
        var full = IsDiskFull(exception);
        WriteBatch queued;
        List<(Segment Segment, long From, long To)> rewound;
        int abandoned;
        lock (_gate)
        {
            queued = _open;
            _open = _spareBatch ?? new WriteBatch();
            _spareBatch = null;
            rewound = Rewind([.. batch.Runs, .. queued.Runs], out abandoned);
        }
        var rolledBack = TryRollBack(rewound);
        if (rolledBack && full)
        {
            SpaceLost(exception);
            var refused = Full(exception);
            Complete(batch.Done, refused);
            Complete(queued.Done, refused);
            if (abandoned > 0)
                LogSegmentAbandoned(abandoned);
            return;
        }

        LogWriteFailed(exception);
        WriteBatch stopped;
        lock (_gate)
        {
            _failure ??= exception;
            stopped = _open;
            _open = new WriteBatch();
        }
        Complete(batch.Done, rolledBack
            ? new IOException("A log write failed and was rolled back: nothing of it was stored. The log accepts no more writes until it is reopened.", exception)
            : new StoreOutcomeUnknownException("A log write or fsync failed, and what it wrote could not be rolled back: it may or may not be stored. The log accepts no more writes until it is reopened, when what is on disk decides.", exception));
        var notWritten = new IOException("The log stopped accepting writes after a write or fsync failed; nothing of this write was stored.", exception);
        Complete(queued.Done, notWritten);
        Complete(stopped.Done, notWritten);
    }

    private static void Complete(TaskCompletionSource done, Exception error) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Done.TrySetException(state.Error), (Done: done, Error: error), preferLocal: false);

    /// <summary>
    /// Under _gate: moves every segment the failed runs touched back to where the first of them began, and drops the
    /// segments the writer never created (and any after them); the head is then the newest segment left.
    /// </summary>
    /// <returns>Per created segment, the byte range to restore on disk.</returns>
    private List<(Segment Segment, long From, long To)> Rewind(IEnumerable<WriteBatch.Run> runs, out int abandoned)
    {
        var ranges = new Dictionary<Segment, (long From, long To)>();
        foreach (var run in runs)
        {
            var end = run.FileOffset + run.Length;
            ranges[run.Segment] = ranges.TryGetValue(run.Segment, out var range)
                ? (Math.Min(range.From, run.FileOffset), Math.Max(range.To, end))
                : (run.FileOffset, end);
        }
        abandoned = 0;
        var unwritten = _segments.FindIndex(s => s.File is null);
        if (unwritten >= 0)
        {
            abandoned = _segments.Count - unwritten;
            _lastSequence = _segments[unwritten].Sequence - 1;
            _segments.RemoveRange(unwritten, abandoned);
            PublishSegments();
        }
        var restore = new List<(Segment, long, long)>();
        foreach (var (segment, (from, to)) in ranges)
        {
            if (segment.File is null)
                continue;
            segment.End = from;
            // A segment whose start records went with the batch gets them again before its next record.
            if (from < segment.HeaderEnd)
                segment.HeaderEnd = 0;
            restore.Add((segment, from, to));
        }
        _head = _segments.Count > 0 ? _segments[^1] : null;
        return restore;
    }

    /// <summary>Makes the disk match the rewound log: zeros where a preallocated file took the failed bytes, a shorter file otherwise.</summary>
    /// <returns>True when nothing of the failed writes can be replayed any more.</returns>
    private bool TryRollBack(List<(Segment Segment, long From, long To)> ranges)
    {
        try
        {
            foreach (var (segment, from, to) in ranges)
            {
                var file = segment.File!;
                var length = file.Length;
                if (from >= length)
                    continue;
                if (_options.PreallocateSegments)
                {
                    // Overwriting bytes the file already has needs no room on the disk; a file that grew past its
                    // preallocated size (a record larger than a segment) goes back to that size, never below it.
                    var zeroTo = Math.Min(Math.Min(to, length), _options.SegmentBytes);
                    if (zeroTo > from)
                        file.Write(new byte[zeroTo - from], from);
                    if (length > _options.SegmentBytes)
                        file.SetLength(Math.Max(from, _options.SegmentBytes));
                }
                else
                {
                    file.SetLength(from);
                }
                file.Sync();
            }
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            LogRollbackFailed(ex.Message);
            return false;
        }
    }
}

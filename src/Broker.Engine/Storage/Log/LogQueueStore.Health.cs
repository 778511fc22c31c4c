using System.Globalization;
using Broker.Transport;

namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    /// <summary>
    /// The disk counts as nearly full (degraded) when it has room for fewer segments than this: the log needs one free
    /// segment's room each time it moves on, so this is a few rollovers of warning before it refuses new messages.
    /// </summary>
    public const int NearlyFullSegments = 4;

    // The probe file's name ends so; nothing of the log lists or removes such files.
    private const string ProbeSuffix = ".health-probe";

    /// <summary>
    /// Checks, in this order: the log is open and has not stopped after a failed write or fsync; the data directory still
    /// exists and still holds the newest segment (a directory deleted or replaced under a running log takes every later
    /// write with it at the next start); the disk had room for the next segment; a small file can be created, written
    /// and deleted there (permissions, a read-only remount); the disk has room for <see cref="NearlyFullSegments"/> more
    /// segments.
    /// </summary>
    /// <param name="cancellationToken">Bounds the check. The file probe runs on the thread pool, so a hung disk makes
    /// the check report that instead of blocking its caller.</param>
    /// <returns>Unhealthy, degraded or healthy, with the directory, the bytes the segments use and the bytes free.</returns>
    public async ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        // A snapshot takes no writes by design, and must not probe another process's directory with a file of its own.
        if (_readOnlyReason is { } reason)
            return TransportHealth.Degraded($"The log in '{Directory}' is a read-only snapshot: {reason}");
        var probe = Task.Run(Check, CancellationToken.None);
        try
        {
            return await probe.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TransportHealth.Unhealthy(
                $"The health probe of the data directory '{Directory}' (create, write and delete a small file) did not finish in time: " +
                "the disk may be hung or overloaded. Check the disk (dmesg, iostat) and the mount.",
                data: new Dictionary<string, object> { ["directory"] = Directory });
        }
    }

    private TransportHealth Check()
    {
        Exception? failure;
        Exception? noRoom;
        bool closed;
        int segments;
        long bytesUsed = 0;
        string? newestFile = null;
        lock (_gate)
        {
            failure = _failure;
            noRoom = _noRoom;
            closed = _stopping || _disposed != 0;
            segments = _segments.Count;
            foreach (var segment in _segments)
            {
                bytesUsed += segment.End;
                if (segment.File is not null)
                    newestFile = segment.Path;
            }
        }
        var data = new Dictionary<string, object>
        {
            ["directory"] = Directory,
            ["segments"] = segments,
            ["bytesUsed"] = bytesUsed,
        };

        if (closed)
            return TransportHealth.Unhealthy($"The log in '{Directory}' is closed: the broker was disposed (the application is shutting down).", data: data);
        if (failure is not null)
        {
            return TransportHealth.Unhealthy(
                $"The log in '{Directory}' stopped accepting writes after a write or fsync failed ({failure.Message}). " +
                "Check the disk (dmesg, free space, permissions), then restart the process: it reopens the log from what is on disk.",
                failure, data);
        }
        if (!_fs.DirectoryExists(Directory))
        {
            return TransportHealth.Unhealthy(
                $"The data directory '{Directory}' is gone: the log still writes into its open files, but they are in no directory any more and are lost when the process stops. " +
                "Stop the process and restore the directory; do not delete a running broker's data.",
                data: data);
        }
        if (newestFile is not null && !_fs.FileExists(newestFile))
        {
            return TransportHealth.Unhealthy(
                $"The log's newest segment '{newestFile}' is no longer in the data directory: the directory was replaced or emptied under the running log, and what it writes is lost when the process stops. " +
                "Stop the process and restore the directory.",
                data: data);
        }
        long free;
        try
        {
            free = _fs.FreeBytes(Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return TransportHealth.Unhealthy($"The free space of the disk of '{Directory}' cannot be read ({ex.Message}). Check the mount.", ex, data);
        }
        data["freeBytes"] = free;
        if (noRoom is not null)
        {
            return TransportHealth.Unhealthy(
                $"The log in '{Directory}' refuses new messages: the disk has no room for another segment of {_options.SegmentBytes} bytes (SegmentBytes; {free} bytes free). " +
                "Completions, retries and dead letters still fit in the room it kept, so consumers drain the queue. Free space: it accepts new messages again by itself.",
                noRoom, data);
        }
        // After the full-disk check: on a full disk the log's own words (what still works) say more than the probe's ENOSPC.
        if (Probe() is { } probeError)
        {
            return TransportHealth.Unhealthy(
                $"The data directory '{Directory}' is not writable: creating, writing and deleting a small file there failed ({probeError.Message}). " +
                (IsDiskFull(probeError) ? "The disk is full: free space." : "Check its permissions and whether the disk was remounted read-only (dmesg)."),
                probeError, data);
        }

        var warnBelow = NearlyFullSegments * _options.SegmentBytes;
        if (free < warnBelow)
        {
            return TransportHealth.Degraded(
                $"The disk of '{Directory}' is nearly full: {free} bytes free, room for fewer than {NearlyFullSegments} segments of {_options.SegmentBytes} bytes (SegmentBytes). " +
                "When the next segment does not fit, the log refuses new messages. Free space, or let consumers drain the queue so compaction can delete segments.",
                data: data);
        }
        return TransportHealth.Healthy(
            string.Create(CultureInfo.InvariantCulture, $"The log in '{Directory}' is open and writable: {segments} segment(s), {bytesUsed} bytes used, {free} bytes free."),
            data);
    }

    /// <summary>Creates, writes and deletes a small file in the data directory, through the log's file system.</summary>
    /// <returns>The failure, or null when the directory took the file.</returns>
    private Exception? Probe()
    {
        // A name of its own per check: two checks at once (a liveness and a readiness probe) never share a file.
        var path = Path.Combine(Directory, Guid.NewGuid().ToString("N") + ProbeSuffix);
        try
        {
            using (var file = _fs.Open(path, create: true))
                file.Write("ok"u8, 0);
            _fs.Delete(path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                _fs.Delete(path);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing was created, or the directory takes no changes at all: the first failure says why.
            }
            return ex;
        }
    }
}

using Microsoft.Extensions.Logging;

namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Torn tail in log segment '{Segment}' at offset {Offset} ({Problem}): {Bytes} bytes of an unfinished write were cut off")]
    private partial void LogTornTail(string segment, long offset, long bytes, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Log segment '{Segment}' was moved to '{Moved}'; the {Messages} message record(s) still readable in it are not recovered")]
    private partial void LogQuarantined(string segment, string moved, int messages);

    [LoggerMessage(Level = LogLevel.Error, Message = "Data loss accepted (AcceptDataLoss): {Loss}; ids are never handed out again")]
    private partial void LogDataLost(string loss);

    [LoggerMessage(Level = LogLevel.Error, Message = "The log's manifest is unreadable ({Problem}); it is rebuilt from the segment files present (AcceptDataLoss)")]
    private partial void LogManifestRebuilt(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The prepared next segment (spare.tmp) was gone when it was needed: '{Segment}' was made in its place")]
    private partial void LogSpareVanished(string segment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted '{Segment}', which compaction had already removed from the manifest")]
    private partial void LogLeftoverDeleted(string segment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ids of every channel skip {Skip} after an accepted loss, so no id the lost part held is handed out again")]
    private partial void LogIdsSkipped(long skip);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Record at offset {Offset} of log segment '{Segment}' names channel number {Channel}, which no remaining segment defines; skipped")]
    private partial void LogUnknownChannel(string segment, long offset, uint channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel policy record at offset {Offset} of log segment '{Segment}' is not a valid policy ({Problem}); skipped, the channel keeps its earlier or default policy")]
    private partial void LogBadPolicy(string segment, long offset, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "The log in '{Directory}' changed while a read-only snapshot read it ({Problem}); reading it again")]
    private static partial void LogSnapshotRetried(ILogger logger, string directory, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened log '{Directory}': {Segments} segments, {Messages} message records replayed")]
    private partial void LogRecovered(string directory, int segments, long messages);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A log write or fsync failed; the log accepts no more writes until it is reopened")]
    private partial void LogWriteFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A failed log write could not be rolled back ({Problem}); its callers are told its outcome is unknown")]
    private partial void LogRollbackFailed(string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "The disk of the log in '{Directory}' is full ({Problem}): no room for the next segment of {SegmentBytes} bytes. New messages are refused; completions still fit in the room kept. Writes resume by themselves once space is free")]
    private partial void LogDiskFull(string directory, long segmentBytes, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "The disk of the log in '{Directory}' has room again: new messages are accepted")]
    private partial void LogSpaceRegained(string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Segments} segment(s) that the full disk had no room for were given up; their queued records were refused")]
    private partial void LogSegmentAbandoned(int segments);

    [LoggerMessage(Level = LogLevel.Information, Message = "Log segment '{Segment}' rewritten: {Messages} live messages copied to the head")]
    private partial void LogRewritten(string segment, int messages);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Log segment '{Segment}' deleted")]
    private partial void LogSegmentDeleted(string segment);

    [LoggerMessage(Level = LogLevel.Error, Message = "Compaction stopped at offset {Offset} of log segment '{Segment}': {Problem}")]
    private partial void LogCompactionStopped(string segment, long offset, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Compaction of the log failed; it is tried again later")]
    private partial void LogCompactionFailed(Exception exception);
}

using Microsoft.Extensions.Logging;

namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Torn tail in log segment '{Segment}' at offset {Offset} ({Problem}): {Bytes} bytes of an unfinished write were cut off")]
    private partial void LogTornTail(string segment, long offset, long bytes, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Log segment '{Segment}' is corrupt at offset {Offset} ({Problem}); it was moved to '{Moved}' and its messages are not recovered")]
    private partial void LogQuarantined(string segment, long offset, string problem, string moved);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Record at offset {Offset} of log segment '{Segment}' names channel number {Channel}, which no remaining segment defines; skipped")]
    private partial void LogUnknownChannel(string segment, long offset, uint channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened log '{Directory}': {Segments} segments, {Messages} message records replayed")]
    private partial void LogRecovered(string directory, int segments, long messages);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A log write or fsync failed; the log accepts no more writes until it is reopened")]
    private partial void LogWriteFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Log segment '{Segment}' rewritten: {Messages} live messages copied to the head")]
    private partial void LogRewritten(string segment, int messages);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Log segment '{Segment}' deleted")]
    private partial void LogSegmentDeleted(string segment);

    [LoggerMessage(Level = LogLevel.Error, Message = "Compaction stopped at offset {Offset} of log segment '{Segment}': {Problem}")]
    private partial void LogCompactionStopped(string segment, long offset, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Compaction of the log failed; it is tried again later")]
    private partial void LogCompactionFailed(Exception exception);
}

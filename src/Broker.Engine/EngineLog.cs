using Microsoft.Extensions.Logging;

namespace Broker.Engine;

/// <summary>The engine's log messages.</summary>
internal static partial class EngineLog
{
    // Debug: one per message; LeasesLost says it once for all the messages one event took back.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Lease on message {MessageId} of channel '{Channel}' lost on delivery {Tries}: {Why}")]
    public static partial void LeaseLost(ILogger logger, string channel, long messageId, int tries, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} lease(s) of channel '{Channel}' lost (message {FirstId} first) because {Why}; the messages are deliverable again, each delivery counted as an attempt")]
    public static partial void LeasesLost(ILogger logger, string channel, int count, long firstId, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of channel '{Channel}' was dead-lettered after {Tries} deliveries: {Error}")]
    public static partial void DeadLettered(ILogger logger, string channel, long messageId, int tries, string? error);

    // Debug: the producer gets the exception, and the store logs its own failure once; a full disk fails every produce.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Storing message {MessageId} of channel '{Channel}' failed; the producer is told: {Reason}")]
    public static partial void StoreWriteFailed(ILogger logger, string channel, long messageId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A store write for channel '{Channel}' failed; memory and store disagree until the next restart replays the store: {Reason}")]
    public static partial void StoreAppendFailed(ILogger logger, string channel, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The payload of message {MessageId} of channel '{Channel}' could not be read from the store; the delivery counts as a failed attempt")]
    public static partial void PayloadReadFailed(ILogger logger, Exception exception, string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The timer of channel '{Channel}' failed; due messages and expired leases are handled on the channel's next call")]
    public static partial void TimerFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused to create channel '{Channel}': the engine holds {MaxChannels} channels, its limit")]
    public static partial void ChannelLimitReached(ILogger logger, string channel, int maxChannels);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel '{Channel}' was declared with a different policy: {Previous} is now {Current} (the last declaration wins; two versions of an application may disagree about it); {Unreported} more change(s) since the last report, which is made at most once a minute per channel")]
    public static partial void PolicyChanged(ILogger logger, string channel, string previous, string current, int unreported);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered {Channels} channels from the store in {ElapsedMs} ms")]
    public static partial void Recovered(ILogger logger, int channels, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Recovering the queue engine from its store failed; every call will fail")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Recovering the queue engine from its store failed; every call will fail: {Reason}")]
    public static partial void RecoveryRefused(ILogger logger, string reason);
}

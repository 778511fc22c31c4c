using Broker.Engine;
using Broker.Engine.Storage;
using Broker.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Network;

/// <summary>
/// Logs requests the server could not complete without letting a flood of them flood the log: a disk that is full
/// fails every produce, and a client past the channel limit can retry a thousand times a second. A few lines per
/// window (kept per kind of failure), then, from the server's watchdog, one summary per kind saying how many more there
/// were. Expected refusals (disk full, channel limit) are one line without a stack trace; unexpected failures keep it.
/// </summary>
internal sealed class RequestFailureLog(ILogger logger)
{
    private readonly LogRateLimiter _lines = new(5, TimeSpan.FromSeconds(10), maxKeys: 8);

    /// <summary>Logs one failed request, unless too many were logged in this window.</summary>
    public void Failed(string connection, string request, Exception exception)
    {
        var kind = exception switch
        {
            StoreFullException => "disk full",
            StoreOutcomeUnknownException => "store failed, outcome unknown",
            ChannelLimitException => "channel limit",
            IOException => "store stopped",
            _ => exception.GetType().Name,
        };
        if (!_lines.TryAcquire(kind))
            return;
        switch (exception)
        {
            case StoreFullException or ChannelLimitException:
                ServerLog.RequestRefused(logger, connection, request, exception.Message);
                break;
            case IOException:
                ServerLog.RequestStoreFailed(logger, connection, request, exception.Message);
                break;
            default:
                ServerLog.RequestFailed(logger, exception, connection, request);
                break;
        }
    }

    /// <summary>Writes what was held back in windows that ended (the watchdog calls it).</summary>
    public void WriteSummaries()
    {
        foreach (var summary in _lines.TakeSummaries())
            ServerLog.FailuresSuppressed(logger, summary.Suppressed, summary.Events, summary.Key, summary.Period.TotalSeconds);
    }
}

using Broker.Engine;
using Broker.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Network;

/// <summary>
/// Logs requests the server could not complete without letting a flood of them flood the log: a disk that is full
/// fails every produce, and a client past the channel limit can retry a thousand times a second. Each kind of failure
/// gets a few lines per interval (the first with its stack trace for unexpected failures), then one line that says how
/// many more there were.
/// </summary>
internal sealed class RequestFailureLog(ILogger logger, TimeProvider time)
{
    private const int LinesPerInterval = 5;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Logs one failed request.</summary>
    public void Failed(string connection, string request, Exception exception)
    {
        var kind = exception switch
        {
            StoreFullException => "disk full",
            StoreOutcomeUnknownException => "store failed",
            ChannelLimitException => "channel limit",
            _ => exception.GetType().Name,
        };
        if (!Admit(kind, out var suppressed))
            return;
        if (suppressed > 0)
            ServerLog.FailuresSuppressed(logger, suppressed, kind, Interval.TotalSeconds);
        switch (exception)
        {
            case StoreFullException or ChannelLimitException:
                ServerLog.RequestRefused(logger, connection, request, exception.Message);
                break;
            case StoreOutcomeUnknownException or IOException:
                ServerLog.RequestStoreFailed(logger, connection, request, exception.Message);
                break;
            default:
                ServerLog.RequestFailed(logger, exception, connection, request);
                break;
        }
    }

    private bool Admit(string kind, out int suppressed)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_windows.TryGetValue(kind, out var window) || now - window.Start >= Interval)
            {
                suppressed = window?.Suppressed ?? 0;
                _windows[kind] = new Window { Start = now, Lines = 1 };
                return true;
            }
            suppressed = 0;
            if (window.Lines < LinesPerInterval)
            {
                window.Lines++;
                return true;
            }
            window.Suppressed++;
            return false;
        }
    }

    private sealed class Window
    {
        public DateTimeOffset Start;
        public int Lines;
        public int Suppressed;
    }
}

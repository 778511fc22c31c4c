using Microsoft.Extensions.Logging;

namespace Broker.Server.Dashboard;

/// <summary>The dashboard endpoint's log messages.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the dashboard at http://{EndPoint}/ ({Security})")]
    public static partial void Serving(ILogger logger, string endPoint, string security);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard listens on {EndPoint}, not a loopback address, over plain HTTP: the credentials and every page cross the network readable, and the dashboard can re-drive and delete dead letters. Bind --http to loopback and reach it through an SSH tunnel or a reverse proxy with TLS")]
    public static partial void NotLoopback(ILogger logger, string endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a dashboard connection from {Remote}: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} dashboard connection(s) from {Source} in the last {Seconds} s, {Suppressed} of them not logged one by one")]
    public static partial void ConnectionsRefusedSummary(ILogger logger, int count, string source, double seconds, int suppressed);
}

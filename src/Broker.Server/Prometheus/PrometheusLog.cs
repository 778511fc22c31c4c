using Microsoft.Extensions.Logging;

namespace Broker.Server.Prometheus;

/// <summary>The metrics endpoint's log messages.</summary>
internal static partial class PrometheusLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Serving metrics at http://{EndPoint}/metrics (Prometheus text format; no authentication)")]
    public static partial void Serving(ILogger logger, string endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The metrics endpoint listens on {EndPoint}, not a loopback address, and has no authentication: anyone who can reach it reads channel names and counts. Bind --metrics to loopback or a private interface, or firewall it")]
    public static partial void NotLoopback(ILogger logger, string endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metric {Name} reached {MaxSeries} label sets: measurements for further ones are dropped")]
    public static partial void SeriesDropped(ILogger logger, string name, int maxSeries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instrument {Instrument} of meter {Meter} is not exported: {Name} is already exported with another type")]
    public static partial void NameConflict(ILogger logger, string instrument, string meter, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instrument {Instrument} is not exported: its type {Type} is unknown to the exporter")]
    public static partial void Unsupported(ILogger logger, string instrument, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An observable instrument's callback failed during a scrape: {Reason}")]
    public static partial void CallbackFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a metrics connection from {Remote}: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} metrics connection(s) from {Source} in the last {Seconds} s, {Suppressed} of them not logged one by one: the endpoint serves {MaxConnections} connections, {PerAddress} per address, and lets {MaxWaiting} more wait {WaitSeconds} s for a slot")]
    public static partial void ConnectionsRefusedSummary(ILogger logger, int count, string source, double seconds, int suppressed, int maxConnections, int perAddress, int maxWaiting, double waitSeconds);
}

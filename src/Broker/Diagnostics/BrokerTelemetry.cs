using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Broker.Diagnostics;

/// <summary>
/// The names under which Broker reports traces and metrics through <see cref="ActivitySource"/> and
/// <see cref="Meter"/>, so an OpenTelemetry SDK (or any <see cref="ActivityListener"/> and <see cref="MeterListener"/>)
/// can subscribe. Nothing is recorded, and nothing costs more than a check, until something listens.
/// See <c>docs/observability.md</c> for every span, attribute and instrument.
/// </summary>
public static class BrokerTelemetry
{
    /// <summary>The activity source of the channel runtime: one <c>send</c> span per produce, one <c>process</c> span per handler call.</summary>
    public const string ActivitySourceName = "Broker";

    /// <summary>The meter of the channel runtime (producers and consumers, on every adapter).</summary>
    public const string MeterName = "Broker";

    /// <summary>The meter of the queue engine (in-memory, embedded and server modes): queue gauges per channel, the log's fsyncs and group commits.</summary>
    public const string EngineMeterName = "Broker.Engine";

    /// <summary>The meter of <c>broker-server</c>: connections, requests and authentication.</summary>
    public const string ServerMeterName = "Broker.Server";

    /// <summary>The value of <c>messaging.system</c> on Broker's spans and metrics, whatever the adapter.</summary>
    public const string MessagingSystem = "broker";

    /// <summary>Every meter name above, for subscribing to all of them at once.</summary>
    public static IReadOnlyList<string> MeterNames { get; } = [MeterName, EngineMeterName, ServerMeterName];

    internal static string Version { get; } =
        typeof(BrokerTelemetry).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The source behind <see cref="ActivitySourceName"/>; one per process, as the runtime's own libraries do.</summary>
    internal static ActivitySource Source { get; } = new(ActivitySourceName, Version);

    /// <summary>The meter behind <see cref="MeterName"/>.</summary>
    internal static Meter Meter { get; } = new(MeterName, Version);
}

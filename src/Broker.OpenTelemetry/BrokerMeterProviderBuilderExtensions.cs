using Broker.Diagnostics;

namespace OpenTelemetry.Metrics;

/// <summary>Adds Broker's metrics to an OpenTelemetry meter provider.</summary>
public static class BrokerMeterProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes to Broker's meters: the channel runtime's (messages sent and consumed, operation and process
    /// durations, dead-lettered, retried, leases lost, handlers running), the queue engine's (per-channel ready,
    /// delayed, in-flight and dead-letter gauges; the log's fsync latency and group-commit sizes) and, inside
    /// <c>broker-server</c>, the server's. See <c>docs/observability.md</c> for every instrument.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder.</returns>
    public static MeterProviderBuilder AddBrokerInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter([.. BrokerTelemetry.MeterNames]);
    }
}

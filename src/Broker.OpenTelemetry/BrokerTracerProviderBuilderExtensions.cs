using Broker.Diagnostics;

namespace OpenTelemetry.Trace;

/// <summary>Adds Broker's spans to an OpenTelemetry tracer provider.</summary>
public static class BrokerTracerProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes to Broker's activity source: a <c>send &lt;channel&gt;</c> producer span per produce and a
    /// <c>process &lt;channel&gt;</c> consumer span per handler call, parented to the producer's span across processes
    /// (the trace context travels in the message's headers). See <c>docs/observability.md</c>.
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder.</returns>
    public static TracerProviderBuilder AddBrokerInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(BrokerTelemetry.ActivitySourceName);
    }
}

using Broker.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Broker's health check.</summary>
public static class BrokerHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the broker the application uses, whatever the adapter: the in-memory broker is healthy
    /// until disposed; the embedded log is unhealthy when it stopped after a failed write or fsync, when its directory is
    /// gone or not writable, or when another process holds it, and degraded when its disk is nearly full; the server client
    /// is healthy when connected and authenticated (a check while disconnected tries to connect); NATS is healthy when
    /// connected and JetStream answers. See <c>docs/observability.md</c>.
    /// </summary>
    /// <remarks>
    /// The transport is resolved when the check runs, not when it is registered, so registering costs nothing and the
    /// check reports a transport that cannot be created (an embedded directory locked by another process, naming it) as
    /// unhealthy; the next check tries again. The check never changes what is queued or delivered.
    /// </remarks>
    /// <param name="builder">The health checks builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name in the health report. Default <c>broker</c>.</param>
    /// <param name="failureStatus">What an unhealthy broker is reported as; null for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (for example <c>ready</c> for a readiness endpoint); null for none.</param>
    /// <param name="timeout">How long the check may take, connecting included; null for 5 seconds. When it runs out the
    /// check reports the broker as <paramref name="failureStatus"/>, with what it knows (the last connection error, say).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public static IHealthChecksBuilder AddBroker(
        this IHealthChecksBuilder builder,
        string name = "broker",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (timeout is { } limit && limit <= TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), limit, "The broker health check's timeout must be positive (or Timeout.InfiniteTimeSpan).");
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new BrokerHealthCheck(services),
            failureStatus,
            tags,
            timeout ?? BrokerHealthCheck.DefaultTimeout));
    }
}

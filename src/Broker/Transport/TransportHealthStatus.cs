namespace Broker.Transport;

/// <summary>
/// How well an adapter can carry messages right now. The values match
/// <c>Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus</c>, so a health check maps one to the other without a
/// table, but this assembly does not depend on the health-checks package.
/// </summary>
public enum TransportHealthStatus
{
    /// <summary>Produces or deliveries fail now (no connection, a stopped log, a directory that is gone).</summary>
    Unhealthy = 0,

    /// <summary>Messages still flow, but something needs attention soon (a disk nearly full, say).</summary>
    Degraded = 1,

    /// <summary>The adapter can produce and deliver.</summary>
    Healthy = 2,
}

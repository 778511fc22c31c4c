using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Broker.Hosting;

/// <summary>
/// The health check <c>AddHealthChecks().AddBroker()</c> registers: resolves the application's
/// <see cref="IQueueTransport"/> (whatever the adapter) and turns its <see cref="TransportHealth"/> into a
/// <see cref="HealthCheckResult"/>. Failing to resolve the transport is a result too: <c>UseEmbedded</c> opens its log when
/// the transport is first resolved, and a directory held by another process fails there.
/// </summary>
internal sealed class BrokerHealthCheck(IServiceProvider services) : IHealthCheck
{
    /// <summary>The check's time limit when the registration gives none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failureStatus = context.Registration.FailureStatus;
        var adapter = services.GetService<BrokerBuilder>()?.TransportName;
        IQueueTransport? transport;
        try
        {
            // The first resolution opens the adapter (an embedded log checks its segments then), which can take a while:
            // off the caller's thread, so the check's timeout bounds it. The container does not keep a factory's failure,
            // so after a failure the next check tries to open it again (a directory another process let go of, say).
            transport = await Task.Run(() => services.GetService<IQueueTransport>(), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failureStatus,
                $"The broker{Named(adapter)} is still opening (the first use of the adapter opens it; an embedded log checks its segments): nothing can be produced yet. Check again later.",
                data: Data(adapter, null));
        }
        catch (Exception ex)
        {
            return new HealthCheckResult(failureStatus, $"The broker{Named(adapter)} could not be opened: {ex.Message}", ex, Data(adapter, null));
        }
        if (transport is null)
        {
            return new HealthCheckResult(failureStatus,
                "Broker is not configured in this application: call services.AddBroker(b => b.UseInMemory()) (or UseEmbedded, UseServer, UseNats) before AddHealthChecks().AddBroker().");
        }

        TransportHealth health;
        try
        {
            health = await transport.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failureStatus, $"The broker{Named(adapter)} did not answer its health check in time.", data: Data(adapter, null));
        }
        catch (Exception ex)
        {
            // An adapter reports failures as results; one that throws is itself unhealthy.
            return new HealthCheckResult(failureStatus, $"The broker{Named(adapter)} health check failed: {ex.Message}", ex, Data(adapter, null));
        }
        return Map(health, failureStatus, adapter);
    }

    /// <summary>Unhealthy becomes the registration's failure status; degraded and healthy stay as they are.</summary>
    internal static HealthCheckResult Map(TransportHealth health, HealthStatus failureStatus, string? adapter)
    {
        var status = health.Status switch
        {
            TransportHealthStatus.Healthy => HealthStatus.Healthy,
            TransportHealthStatus.Degraded => HealthStatus.Degraded,
            _ => failureStatus,
        };
        return new HealthCheckResult(status, health.Description, health.Exception, Data(adapter, health.Data));
    }

    private static Dictionary<string, object> Data(string? adapter, IReadOnlyDictionary<string, object>? facts)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        if (adapter is not null)
            data["adapter"] = adapter;
        if (facts is not null)
        {
            foreach (var (key, value) in facts)
                data[key] = value;
        }
        return data;
    }

    private static string Named(string? adapter) => adapter is null ? "" : $" ({adapter})";
}

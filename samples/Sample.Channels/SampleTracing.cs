using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Sample.Channels;

/// <summary>
/// <c>--trace console</c> prints the samples' spans with OpenTelemetry's console exporter: run the app and a worker
/// against one broker and the worker's <c>process user/registered</c> span shows the app's trace id, its parent being
/// the app's <c>send user/registered</c> span (docs/observability.md shows such a run).
/// </summary>
public static class SampleTracing
{
    /// <summary>The samples' own spans, such as the app's "register user" around each produce.</summary>
    public static readonly ActivitySource Source = new("Sample");

    /// <summary>Adds tracing when configuration asks for it (<c>--trace console</c>).</summary>
    /// <exception cref="ArgumentException">--trace has a value other than <c>console</c>.</exception>
    public static IServiceCollection AddSampleTracing(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        switch (configuration["trace"])
        {
            case null:
                return services;
            case "console":
                services.AddOpenTelemetry()
                    .ConfigureResource(resource => resource.AddService(serviceName))
                    .WithTracing(tracing => tracing.AddSource(Source.Name).AddBrokerInstrumentation().AddConsoleExporter());
                return services;
            case var other:
                throw new ArgumentException($"--trace '{other}' is not known; the samples know '--trace console'.");
        }
    }
}

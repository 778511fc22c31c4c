using Broker.Dashboard;
using Broker.Management;
using Broker.Transport;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Mounts Broker's web dashboard in an ASP.NET Core application.</summary>
public static class BrokerDashboardEndpointExtensions
{
    /// <summary>
    /// Serves the dashboard under <paramref name="prefix"/> over the broker this application uses: the registered
    /// transport's management API (the in-memory and embedded brokers, and the server client, have one; the NATS adapter
    /// has none). The dashboard shows every channel's counts and rates, peeks at messages, and re-drives or deletes dead
    /// letters behind a confirmation page and an antiforgery token.
    /// </summary>
    /// <param name="endpoints">The application's endpoints (a <c>WebApplication</c>).</param>
    /// <param name="prefix">Where the dashboard lives, such as <c>/broker</c>.</param>
    /// <returns>
    /// A builder for every endpoint of the dashboard: <c>.RequireAuthorization("policy")</c> on it protects all of them
    /// (the dashboard can change the broker, so protect it).
    /// </returns>
    /// <exception cref="InvalidOperationException">Broker or antiforgery is not registered; the message says what to add.</exception>
    public static IEndpointConventionBuilder MapBrokerDashboard(this IEndpointRouteBuilder endpoints, string prefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider.GetService<IServiceProviderIsService>();
        if (services is not null && !services.IsService(typeof(IQueueTransport)))
            throw new InvalidOperationException("MapBrokerDashboard shows the broker the application uses, and none is registered: call builder.Services.AddBroker(...) with UseInMemory(), UseEmbedded(...) or UseServer(...) first, or pass an IBrokerManagement to MapBrokerDashboard.");
        return Map(endpoints, prefix, static provider => provider.GetRequiredService<IQueueTransport>() switch
        {
            IManageableTransport manageable => manageable.Management,
            var other => throw new InvalidOperationException(
                $"The registered transport ({other.GetType().Name}) has no management API for the dashboard: the in-memory, embedded and server brokers have one, the NATS adapter has none (use JetStream's own tools, such as the nats CLI). "
                + "To show another broker, pass its IBrokerManagement to MapBrokerDashboard(prefix, management)."),
        });
    }

    /// <summary>Serves the dashboard under <paramref name="prefix"/> over <paramref name="management"/>.</summary>
    /// <param name="endpoints">The application's endpoints (a <c>WebApplication</c>).</param>
    /// <param name="prefix">Where the dashboard lives, such as <c>/broker</c>.</param>
    /// <param name="management">The broker to show; it must stay usable as long as the application serves requests.</param>
    /// <returns>A builder for every endpoint of the dashboard: <c>.RequireAuthorization("policy")</c> on it protects all of them.</returns>
    /// <exception cref="InvalidOperationException">Antiforgery is not registered; the message says what to add.</exception>
    public static IEndpointConventionBuilder MapBrokerDashboard(this IEndpointRouteBuilder endpoints, string prefix, IBrokerManagement management)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(management);
        return Map(endpoints, prefix, _ => management);
    }

    private static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string prefix, Func<IServiceProvider, IBrokerManagement> resolve)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0 && prefix[0] != '/')
            throw new ArgumentException($"The dashboard's prefix must start with '/', such as \"/broker\"; it is \"{prefix}\".", nameof(prefix));
        if (prefix.Contains('{', StringComparison.Ordinal) || prefix.Contains('?', StringComparison.Ordinal))
            throw new ArgumentException($"The dashboard's prefix must be a plain path, such as \"/broker\", without parameters; it is \"{prefix}\".", nameof(prefix));
        var services = endpoints.ServiceProvider.GetService<IServiceProviderIsService>();
        if (services is not null && !services.IsService(typeof(IAntiforgery)))
            throw new InvalidOperationException("The dashboard's forms need antiforgery tokens: call builder.Services.AddAntiforgery() before MapBrokerDashboard.");

        var dashboard = new Dashboard(resolve, prefix.TrimEnd('/'));
        var group = endpoints.MapGroup(dashboard.Prefix.Length == 0 ? "/" : dashboard.Prefix);
        group.MapGet("/", context => ReadHandlers.ChannelsAsync(context, dashboard));
        group.MapGet("/dashboard.css", context => Assets.ServeAsync(context, Assets.Stylesheet, "text/css; charset=utf-8"));
        group.MapGet("/dashboard.js", context => Assets.ServeAsync(context, Assets.Script, "text/javascript; charset=utf-8"));
        group.MapGet("/api/channels", context => ReadHandlers.ChannelsJsonAsync(context, dashboard));
        group.MapGet("/channel", context => ReadHandlers.ChannelAsync(context, dashboard));
        group.MapGet("/dead-letters", context => ReadHandlers.DeadLettersAsync(context, dashboard));
        foreach (var (path, change) in new[] { ("/dead-letters/redrive", Change.Redrive), ("/dead-letters/delete", Change.Delete), ("/dead-letters/redrive-all", Change.RedriveAll) })
        {
            group.MapGet(path, context => ChangeHandlers.ConfirmAsync(context, dashboard, change));
            group.MapPost(path, context => ChangeHandlers.ApplyAsync(context, dashboard, change));
        }
        return group;
    }
}

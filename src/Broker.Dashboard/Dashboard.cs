using Broker.Management;
using Microsoft.AspNetCore.Http;

namespace Broker.Dashboard;

/// <summary>What one mounted dashboard holds: where its management API comes from, its prefix and its rate tracker.</summary>
internal sealed class Dashboard(Func<IServiceProvider, IBrokerManagement> resolve, string prefix)
{
    /// <summary>Channels on one page of the channel list, and in one poll of it.</summary>
    public const int ChannelsPerPage = 100;

    /// <summary>Messages or dead letters on one page.</summary>
    public const int MessagesPerPage = 25;

    /// <summary>Dead letters re-driven per listing while re-driving all of them.</summary>
    public const int RedriveBatch = 100;

    private readonly Lock _gate = new();
    private IBrokerManagement? _management;

    /// <summary>The prefix the dashboard was mounted at, without a trailing slash.</summary>
    public string Prefix { get; } = prefix;

    public RateTracker Rates { get; } = new();

    public DashboardUrls Urls(HttpContext context) => new(context.Request.PathBase.Value + Prefix);

    /// <summary>The management API, resolved on first use (the transport is created lazily too).</summary>
    public IBrokerManagement Management(HttpContext context)
    {
        if (_management is { } known)
            return known;
        var management = resolve(context.RequestServices);
        lock (_gate)
            return _management ??= management;
    }
}

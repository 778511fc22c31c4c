using Broker.Dashboard.Pages;
using Broker.Management;
using Microsoft.AspNetCore.Http;

namespace Broker.Dashboard;

/// <summary>What every page about one channel starts from: the broker's status, the channel's counts and its rates.</summary>
internal sealed record ChannelView(DashboardUrls Urls, BrokerStatus Status, ChannelSummary Channel, ChannelRates? Rates, DateTimeOffset TakenAt)
{
    /// <summary>Loads the channel the query names, or answers 400 or 404 with a page that says why and returns null.</summary>
    public static async Task<ChannelView?> LoadAsync(HttpContext context, Dashboard dashboard, string parameter)
    {
        var management = dashboard.Management(context);
        var cancellation = context.RequestAborted;
        var status = await management.GetStatusAsync(cancellation).ConfigureAwait(false);
        var urls = dashboard.Urls(context);
        var name = Query.Text(context, parameter);
        if (name is null)
        {
            await BadRequestAsync(context, dashboard, status, $"The address names no channel: it needs '?{parameter}=' and a channel name.").ConfigureAwait(false);
            return null;
        }
        var overview = await management.ListChannelsAsync(cancellation).ConfigureAwait(false);
        var rates = dashboard.Rates.Observe(overview);
        var channel = overview.Channels.FirstOrDefault(c => c.Name == name);
        if (channel is null)
        {
            await Respond.Html(context, ProblemPage.Render(urls, status, "No such channel", $"The broker holds no channel named '{name}'."), StatusCodes.Status404NotFound).ConfigureAwait(false);
            return null;
        }
        return new ChannelView(urls, status, channel, rates.TryGetValue(name, out var rate) ? rate : null, overview.TakenAt);
    }

    public static Task BadRequestAsync(HttpContext context, Dashboard dashboard, BrokerStatus status, string message) =>
        Respond.Html(context, ProblemPage.Render(dashboard.Urls(context), status, "Bad request", message), StatusCodes.Status400BadRequest);
}

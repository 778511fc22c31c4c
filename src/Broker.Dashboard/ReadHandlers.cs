using System.Buffers;
using System.Text.Json;
using Broker.Dashboard.Pages;
using Broker.Management;
using Microsoft.AspNetCore.Http;

namespace Broker.Dashboard;

/// <summary>The pages that only read: the channel list, a channel, its dead letters, and the JSON the script polls.</summary>
internal static class ReadHandlers
{
    public static async Task ChannelsAsync(HttpContext context, Dashboard dashboard)
    {
        var management = dashboard.Management(context);
        var cancellation = context.RequestAborted;
        var status = await management.GetStatusAsync(cancellation).ConfigureAwait(false);
        var overview = await management.ListChannelsAsync(cancellation).ConfigureAwait(false);
        var rates = dashboard.Rates.Observe(overview);
        var urls = dashboard.Urls(context);
        var after = Query.Text(context, "after");
        await Respond.Html(context, ChannelsPage.Render(urls, status, overview, rates, after, Dashboard.ChannelsPerPage, urls.ChannelsJson + (after is null ? "" : "?after=" + Uri.EscapeDataString(after)))).ConfigureAwait(false);
    }

    public static async Task ChannelAsync(HttpContext context, Dashboard dashboard)
    {
        if (await ChannelView.LoadAsync(context, dashboard, "name").ConfigureAwait(false) is not { } view)
            return;
        if (!Query.TryId(context, "after", required: false, out var after, out var error))
        {
            await ChannelView.BadRequestAsync(context, dashboard, view.Status, error!).ConfigureAwait(false);
            return;
        }
        // One more than a page is asked for, so whether more follow is known whatever the broker's More means.
        var peeked = await dashboard.Management(context).PeekAsync(view.Channel.Name, after, Dashboard.MessagesPerPage + 1, context.RequestAborted).ConfigureAwait(false);
        var page = peeked.Messages.Count > Dashboard.MessagesPerPage ? new MessagePage([.. peeked.Messages.Take(Dashboard.MessagesPerPage)], More: true) : peeked;
        await Respond.Html(context, ChannelPage.Render(view.Urls, view.Status, view.Channel, view.Rates, view.TakenAt, page, after)).ConfigureAwait(false);
    }

    public static async Task DeadLettersAsync(HttpContext context, Dashboard dashboard)
    {
        if (await ChannelView.LoadAsync(context, dashboard, "channel").ConfigureAwait(false) is not { } view)
            return;
        if (!Query.TryId(context, "after", required: false, out var after, out var error))
        {
            await ChannelView.BadRequestAsync(context, dashboard, view.Status, error!).ConfigureAwait(false);
            return;
        }
        var listed = await dashboard.Management(context).ListDeadLettersAsync(view.Channel.Name, after, Dashboard.MessagesPerPage + 1, context.RequestAborted).ConfigureAwait(false);
        var listing = listed.Entries.Count > Dashboard.MessagesPerPage ? new DeadLetterListing([.. listed.Entries.Take(Dashboard.MessagesPerPage)], More: true) : listed;
        await Respond.Html(context, DeadLettersPage.Render(view.Urls, view.Status, view.Channel, view.Rates, view.TakenAt, listing, after, Notice.From(context))).ConfigureAwait(false);
    }

    /// <summary>
    /// The counts and rates the script polls: one channel (<c>?name=</c>) or a page of the list (<c>?after=</c>), the
    /// same window the page shows, so a poll never carries every channel of a large broker.
    /// </summary>
    public static async Task ChannelsJsonAsync(HttpContext context, Dashboard dashboard)
    {
        var overview = await dashboard.Management(context).ListChannelsAsync(context.RequestAborted).ConfigureAwait(false);
        var rates = dashboard.Rates.Observe(overview);
        IEnumerable<ChannelSummary> window;
        if (Query.Text(context, "name") is { } name)
            window = overview.Channels.Where(c => c.Name == name);
        else if (Query.Text(context, "after") is { } after)
            window = overview.Channels.Where(c => string.CompareOrdinal(c.Name, after) > 0).Take(Dashboard.ChannelsPerPage);
        else
            window = overview.Channels.Take(Dashboard.ChannelsPerPage);
        var output = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("takenAt", overview.TakenAt);
            json.WriteStartArray("channels");
            foreach (var channel in window)
            {
                var known = rates.TryGetValue(channel.Name, out var rate);
                json.WriteStartObject();
                json.WriteString("name", channel.Name);
                // Text as the page shows it, so the script only copies it into place.
                json.WriteString("ready", Number(channel.Ready));
                json.WriteString("delayed", Number(channel.Delayed));
                json.WriteString("inFlight", Number(channel.InFlight));
                json.WriteString("deadLetters", Number(channel.DeadLetters));
                json.WriteString("subscriptions", Number(channel.Subscriptions));
                json.WriteString("produced", Format.Rate(known ? rate.ProducedPerSecond : null));
                json.WriteString("completed", Format.Rate(known ? rate.CompletedPerSecond : null));
                json.WriteString("oldest", Format.OldestAge(channel.OldestProducedAt, overview.TakenAt));
                json.WriteString("stuck", Stuck.Reason(channel) ?? "");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        await Respond.Json(context, output.WrittenSpan.ToArray()).ConfigureAwait(false);
    }

    private static string Number(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}

using Broker.Management;

namespace Broker.Dashboard.Pages;

/// <summary>The home page: every channel's counts and rates, stuck ones marked, a page of them at a time.</summary>
internal static class ChannelsPage
{
    public static string Render(DashboardUrls urls, BrokerStatus status, ChannelOverview overview, IReadOnlyDictionary<string, ChannelRates> rates, string? after, int pageSize, string poll)
    {
        var html = Layout.Begin(urls, "Channels", status, poll);
        var channels = overview.Channels;
        var start = 0;
        if (after is not null)
        {
            while (start < channels.Count && string.CompareOrdinal(channels[start].Name, after) <= 0)
                start++;
        }
        var shown = channels.Skip(start).Take(pageSize).ToList();
        var stuck = channels.Count(c => Stuck.Reason(c) is not null);
        html.Raw("<h1>Channels</h1><p class=\"summary\">").Number(channels.Count).Raw(channels.Count == 1 ? " channel" : " channels");
        if (stuck > 0)
            html.Raw(", <strong class=\"stuck-count\">").Number(stuck).Raw(" need").Raw(stuck == 1 ? "s" : "").Raw(" a look</strong>");
        html.Raw(" · as of <time>").Text(Format.Time(overview.TakenAt)).Raw("</time></p>");
        if (channels.Count == 0)
        {
            html.Raw("<p class=\"empty\">No channel yet: a channel appears once a message is produced to it or a worker subscribes.</p>");
            return Layout.End(html);
        }
        html.Raw("<div class=\"table\"><table class=\"channels\"><thead><tr>")
            .Raw("<th scope=\"col\">Channel</th><th scope=\"col\">Ready</th><th scope=\"col\">Delayed</th><th scope=\"col\">In flight</th>")
            .Raw("<th scope=\"col\">Dead letters</th><th scope=\"col\">Produced</th><th scope=\"col\">Completed</th>")
            .Raw("<th scope=\"col\">Oldest</th><th scope=\"col\">Workers</th></tr></thead><tbody>");
        foreach (var channel in shown)
        {
            rates.TryGetValue(channel.Name, out var rate);
            var known = rates.ContainsKey(channel.Name);
            var reason = Stuck.Reason(channel);
            html.Raw("<tr").Attribute("data-channel", channel.Name).Raw(reason is null ? "" : " class=\"stuck\"").Raw(">")
                .Raw("<th scope=\"row\" data-label=\"Channel\">").Link(urls.Channel(channel.Name), channel.Name)
                .Raw("<span class=\"badge\" data-field=\"stuck\">").Text(reason).Raw("</span></th>");
            Cell(html, "Ready", "ready", channel.Ready);
            Cell(html, "Delayed", "delayed", channel.Delayed);
            Cell(html, "In flight", "inFlight", channel.InFlight);
            html.Raw("<td data-label=\"Dead letters\"><a").Attribute("href", urls.DeadLetters(channel.Name)).Raw(" data-field=\"deadLetters\">")
                .Number(channel.DeadLetters).Raw("</a></td>");
            html.Raw("<td data-label=\"Produced\" data-field=\"produced\">").Text(Format.Rate(known ? rate.ProducedPerSecond : null)).Raw("</td>")
                .Raw("<td data-label=\"Completed\" data-field=\"completed\">").Text(Format.Rate(known ? rate.CompletedPerSecond : null)).Raw("</td>")
                .Raw("<td data-label=\"Oldest\" data-field=\"oldest\">").Text(Format.OldestAge(channel.OldestProducedAt, overview.TakenAt)).Raw("</td>");
            Cell(html, "Workers", "subscriptions", channel.Subscriptions);
            html.Raw("</tr>");
        }
        html.Raw("</tbody></table></div>");
        if (start + shown.Count < channels.Count)
            html.Raw("<nav class=\"pager\">").Link(urls.ChannelsAfter(shown[^1].Name), "Next channels →").Raw("</nav>");
        if (after is not null)
            html.Raw("<nav class=\"pager\">").Link(urls.Home, "← First channels").Raw("</nav>");
        return Layout.End(html);
    }

    private static void Cell(Html html, string label, string field, long value) =>
        html.Raw("<td").Attribute("data-label", label).Attribute("data-field", field).Raw(">").Number(value).Raw("</td>");
}

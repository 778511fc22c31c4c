using Broker.Management;

namespace Broker.Dashboard.Pages;

/// <summary>A channel's dead letters: the error, attempts and payload of each, with re-drive and delete per message.</summary>
internal static class DeadLettersPage
{
    public static string Render(DashboardUrls urls, BrokerStatus status, ChannelSummary channel, ChannelRates? rates, DateTimeOffset now, DeadLetterListing listing, long after, string? notice)
    {
        var html = Layout.Begin(urls, "Dead letters of " + channel.Name, status, ChannelPage.Poll(urls, channel));
        html.Raw("<nav class=\"crumbs\">").Link(urls.Home, "Channels").Raw(" / ").Link(urls.Channel(channel.Name), channel.Name).Raw(" / </nav>")
            .Raw("<h1>Dead letters <small>of ").Text(channel.Name).Raw("</small></h1>");
        if (notice is not null)
            html.Raw("<p class=\"notice done\" role=\"status\">").Text(notice).Raw("</p>");
        ChannelPage.Counts(html, urls, channel, rates, now);
        var canChange = !status.ReadOnly;
        if (listing.Entries.Count == 0)
        {
            html.Raw("<p class=\"empty\">").Raw(after == 0 ? "No dead letters." : "No more dead letters.").Raw("</p>");
        }
        else
        {
            if (canChange)
                html.Raw("<p class=\"actions\">").Link(urls.RedriveAll(channel.Name), "Re-drive all " + channel.DeadLetters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), "button").Raw("</p>");
            html.Raw("<ol class=\"messages\">");
            foreach (var entry in listing.Entries)
            {
                html.Raw("<li class=\"message dead\"").Attribute("id", "m" + entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Raw("><p class=\"line\"><strong>#").Number(entry.Id).Raw("</strong> ")
                    .Raw("<span>").Number(entry.Tries).Raw(entry.Tries == 1 ? " attempt" : " attempts").Raw("</span> ")
                    .Raw("<span>produced <time>").Text(Format.Time(entry.ProducedAt)).Raw("</time></span> ")
                    .Raw("<span>dead-lettered <time>").Text(Format.Time(entry.DeadLetteredAt)).Raw("</time></span>");
                if (entry.Priority != 0)
                    html.Raw(" <span>priority ").Number(entry.Priority).Raw("</span>");
                html.Raw("</p><p class=\"error\">").Text(entry.Error ?? "(no error recorded)").Raw("</p>");
                MessageView.Headers(html, entry.Headers);
                MessageView.Payload(html, entry.Payload);
                if (canChange)
                {
                    html.Raw("<p class=\"actions\">").Link(urls.Redrive(channel.Name, entry.Id), "Re-drive", "button")
                        .Raw(" ").Link(urls.Delete(channel.Name, entry.Id), "Delete", "button danger").Raw("</p>");
                }
                html.Raw("</li>");
            }
            html.Raw("</ol>");
        }
        ChannelPage.Pager(html, after == 0 ? null : urls.DeadLetters(channel.Name), listing.More && listing.Entries.Count > 0 ? urls.DeadLettersAfter(channel.Name, listing.Entries[^1].Id) : null, "dead letters");
        return Layout.End(html);
    }
}

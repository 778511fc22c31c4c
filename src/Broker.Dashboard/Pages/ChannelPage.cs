using Broker.Management;

namespace Broker.Dashboard.Pages;

/// <summary>One channel: its counts and a page of its unfinished messages, peeked (never consumed).</summary>
internal static class ChannelPage
{
    public static string Render(DashboardUrls urls, BrokerStatus status, ChannelSummary channel, ChannelRates? rates, DateTimeOffset now, MessagePage page, long after)
    {
        var html = Layout.Begin(urls, channel.Name, status, Poll(urls, channel));
        html.Raw("<nav class=\"crumbs\">").Link(urls.Home, "Channels").Raw(" / </nav><h1>").Text(channel.Name).Raw("</h1>");
        Counts(html, urls, channel, rates, now);
        html.Raw("<h2>Messages</h2>");
        if (page.Messages.Count == 0)
        {
            html.Raw("<p class=\"empty\">").Raw(after == 0 ? "No unfinished message." : "No more messages.").Raw("</p>");
        }
        else
        {
            html.Raw("<p class=\"note\">Copies, read without consuming: peeking changes nothing.</p><ol class=\"messages\">");
            foreach (var message in page.Messages)
            {
                html.Raw("<li class=\"message\"><p class=\"line\"><strong>#").Number(message.Id).Raw("</strong> <span")
                    .Attribute("class", "state " + State(message.State)).Raw(">").Text(StateText(message.State)).Raw("</span> ")
                    .Raw("<span>").Number(message.DeliveryCount).Raw(message.DeliveryCount == 1 ? " delivery" : " deliveries").Raw("</span> ")
                    .Raw("<span>produced <time>").Text(Format.Time(message.ProducedAt)).Raw("</time></span>");
                if (message.DueAt is { } due)
                    html.Raw(" <span>due <time>").Text(Format.Time(due)).Raw("</time></span>");
                if (message.Priority != 0)
                    html.Raw(" <span>priority ").Number(message.Priority).Raw("</span>");
                html.Raw("</p>");
                MessageView.Headers(html, message.Headers);
                MessageView.Payload(html, message.Payload);
                html.Raw("</li>");
            }
            html.Raw("</ol>");
        }
        Pager(html, after == 0 ? null : urls.Channel(channel.Name), page.More && page.Messages.Count > 0 ? urls.ChannelAfter(channel.Name, page.Messages[^1].Id) : null, "messages");
        return Layout.End(html);
    }

    /// <summary>What the script polls on a page about one channel.</summary>
    public static string Poll(DashboardUrls urls, ChannelSummary channel) => urls.ChannelsJson + "?name=" + Uri.EscapeDataString(channel.Name);

    /// <summary>The channel's counts, which the polling script keeps current.</summary>
    public static void Counts(Html html, DashboardUrls urls, ChannelSummary channel, ChannelRates? rates, DateTimeOffset now)
    {
        var reason = Stuck.Reason(channel);
        html.Raw("<dl class=\"counts").Raw(reason is null ? "" : " stuck").Raw("\"").Attribute("data-channel", channel.Name).Raw(">");
        Count(html, "Ready", "ready", channel.Ready);
        Count(html, "Delayed", "delayed", channel.Delayed);
        Count(html, "In flight", "inFlight", channel.InFlight);
        html.Raw("<div><dt>Dead letters</dt><dd><a").Attribute("href", urls.DeadLetters(channel.Name)).Raw(" data-field=\"deadLetters\">").Number(channel.DeadLetters).Raw("</a></dd></div>");
        Count(html, "Workers", "subscriptions", channel.Subscriptions);
        html.Raw("<div><dt>Oldest</dt><dd data-field=\"oldest\">").Text(Format.OldestAge(channel.OldestProducedAt, now)).Raw("</dd></div>")
            .Raw("<div><dt>Produced</dt><dd data-field=\"produced\">").Text(Format.Rate(rates?.ProducedPerSecond)).Raw("</dd></div>")
            .Raw("<div><dt>Completed</dt><dd data-field=\"completed\">").Text(Format.Rate(rates?.CompletedPerSecond)).Raw("</dd></div>")
            .Raw("</dl>");
        if (reason is not null)
            html.Raw("<p class=\"notice warn\" data-field=\"stuck\">").Text(reason).Raw("</p>");
    }

    public static void Pager(Html html, string? first, string? next, string what)
    {
        if (first is null && next is null)
            return;
        html.Raw("<nav class=\"pager\">");
        if (first is not null)
            html.Link(first, "← First " + what);
        if (next is not null)
            html.Link(next, "Next " + what + " →");
        html.Raw("</nav>");
    }

    private static void Count(Html html, string label, string field, long value) =>
        html.Raw("<div><dt>").Text(label).Raw("</dt><dd").Attribute("data-field", field).Raw(">").Number(value).Raw("</dd></div>");

    private static string State(PeekedState state) => state switch
    {
        PeekedState.Ready => "ready",
        PeekedState.Delayed => "delayed",
        _ => "in-flight",
    };

    private static string StateText(PeekedState state) => state switch
    {
        PeekedState.Ready => "ready",
        PeekedState.Delayed => "delayed",
        _ => "in flight",
    };
}

using Broker.Management;

namespace Broker.Dashboard.Pages;

/// <summary>The frame of every page: head, the broker's status line, and the read-only notice.</summary>
internal static class Layout
{
    public static Html Begin(DashboardUrls urls, string title, BrokerStatus? status, string? poll = null)
    {
        var html = new Html();
        html.Raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<meta name=\"referrer\" content=\"same-origin\">")
            .Raw("<title>").Text(title).Raw(" · Broker</title>")
            .Raw("<link rel=\"stylesheet\"").Attribute("href", urls.Stylesheet).Raw(">")
            .Raw("<script defer").Attribute("src", urls.Script).Raw("></script>")
            .Raw("</head><body");
        // The script refreshes the counts on pages that name what to poll; the page is complete without it.
        if (poll is not null)
            html.Attribute("data-poll", poll);
        html.Raw(">");
        html.Raw("<header class=\"top\"><a class=\"brand\"").Attribute("href", urls.Home).Raw(">Broker</a>");
        if (status is not null)
        {
            html.Raw("<span class=\"kind\">").Text(Kind(status.Kind)).Raw("</span>")
                .Raw("<span class=\"description\">").Text(status.Description).Raw("</span>");
            if (status.Version is { } version)
                html.Raw("<span class=\"fact\">").Text(version).Raw("</span>");
            if (status.Connections is { } connections)
                html.Raw("<span class=\"fact\">").Number(connections).Raw(connections == 1 ? " connection" : " connections").Raw("</span>");
            if (status.Log is { } log)
                html.Raw("<span class=\"fact\">log ").Text(Format.Bytes(log.Bytes)).Raw(", fsync ").Text(log.FsyncMeanMilliseconds.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)).Raw(" ms</span>");
        }
        html.Raw("</header>");
        if (status is { ReadOnly: true })
        {
            html.Raw("<p class=\"notice read-only\" role=\"status\"><strong>Read-only.</strong> ")
                .Text(status.ReadOnlyReason ?? "This view cannot change the broker.")
                .Raw(" Nothing can be re-driven or deleted here.</p>");
        }
        html.Raw("<main>");
        return html;
    }

    public static string End(Html html) => html.Raw("</main></body></html>").ToString();

    public static string Kind(BrokerKind kind) => kind switch
    {
        BrokerKind.InMemory => "in-memory",
        BrokerKind.Embedded => "embedded",
        BrokerKind.Server => "server",
        _ => kind.ToString(),
    };
}

using Broker.Management;

namespace Broker.Dashboard.Pages;

/// <summary>A page that says what went wrong (no such channel, a refused change) and where to go from there.</summary>
internal static class ProblemPage
{
    public static string Render(DashboardUrls urls, BrokerStatus? status, string title, string message, string? backUrl = null, string? backText = null)
    {
        var html = Layout.Begin(urls, title, status);
        html.Raw("<section class=\"problem\"><h1>").Text(title).Raw("</h1><p>").Text(message).Raw("</p><p>")
            .Link(backUrl ?? urls.Home, backText ?? "Back to the channels").Raw("</p></section>");
        return Layout.End(html);
    }
}

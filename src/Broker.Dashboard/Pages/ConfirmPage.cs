using Broker.Management;

namespace Broker.Dashboard.Pages;

/// <summary>
/// "Re-drive message 42 of channel x?": the page a change goes through, so a button works without JavaScript and a
/// change is never one click (or one crawler's GET) away. The form posts back to the same address with the antiforgery
/// token.
/// </summary>
internal static class ConfirmPage
{
    public static string Render(DashboardUrls urls, BrokerStatus status, string question, string detail, string action, string button, string cancel, string tokenField, string token, bool danger)
    {
        var html = Layout.Begin(urls, question, status);
        html.Raw("<section class=\"confirm\"><h1>").Text(question).Raw("</h1><p>").Text(detail).Raw("</p>")
            .Raw("<form method=\"post\"").Attribute("action", action).Raw(">")
            .Raw("<input type=\"hidden\"").Attribute("name", tokenField).Attribute("value", token).Raw(">")
            .Raw("<button type=\"submit\"").Attribute("class", danger ? "button danger" : "button").Raw(">").Text(button).Raw("</button> ")
            .Link(cancel, "Cancel", "button secondary")
            .Raw("</form></section>");
        return Layout.End(html);
    }
}

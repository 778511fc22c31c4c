using System.Globalization;

namespace Broker.Dashboard;

/// <summary>
/// The dashboard's addresses under its base path. A channel name may hold '/', so it travels in the query string
/// (escaped), never as a path segment.
/// </summary>
/// <param name="Base">The application's path base and the dashboard's prefix, without a trailing slash ("" at the root).</param>
internal readonly record struct DashboardUrls(string Base)
{
    public string Home => Base + "/";

    public string Stylesheet => Base + "/dashboard.css";

    public string Script => Base + "/dashboard.js";

    public string ChannelsJson => Base + "/api/channels";

    public string ChannelsAfter(string afterName) => Base + "/?after=" + Escape(afterName);

    public string Channel(string channel) => Base + "/channel?name=" + Escape(channel);

    public string ChannelAfter(string channel, long afterId) => Channel(channel) + "&after=" + Id(afterId);

    public string DeadLetters(string channel) => Base + "/dead-letters?channel=" + Escape(channel);

    public string DeadLettersAfter(string channel, long afterId) => DeadLetters(channel) + "&after=" + Id(afterId);

    public string DeadLettersWithNotice(string channel, string notice, long number) => DeadLetters(channel) + "&done=" + notice + "&n=" + Id(number);

    public string Redrive(string channel, long id) => Base + "/dead-letters/redrive?channel=" + Escape(channel) + "&id=" + Id(id);

    public string Delete(string channel, long id) => Base + "/dead-letters/delete?channel=" + Escape(channel) + "&id=" + Id(id);

    public string RedriveAll(string channel) => Base + "/dead-letters/redrive-all?channel=" + Escape(channel);

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}

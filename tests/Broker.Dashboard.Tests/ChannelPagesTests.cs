using System.Net;

namespace Broker.Dashboard.Tests;

/// <summary>The pages that read, over an in-memory broker in an ASP.NET Core app on a real Kestrel.</summary>
public sealed class ChannelPagesTests
{
    [Fact]
    public async Task ChannelsPageShowsEachChannelsDepthAndMarksStuckOnes()
    {
        await using var app = await TestApp.StartAsync();
        var busy = new ChannelDefinition("orders/created");
        var failing = new ChannelDefinition("billing/invoice");
        var quiet = new ChannelDefinition("audit");
        for (var i = 0; i < 3; i++)
            await app.Transport.ProduceAsync(Payloads.Message(busy, $"order {i}"), CancellationToken.None);
        await Payloads.DeadLetterAsync(app.Transport, failing, 2, "boom");
        await using (await app.Transport.SubscribeAsync(quiet, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None))
        {
            using var client = app.Client();
            var page = await client.PageAsync("");

            var orders = Row(page, "orders/created");
            Assert.Contains("class=\"stuck\"", orders, StringComparison.Ordinal);
            Assert.Contains("data-field=\"ready\">3<", orders, StringComparison.Ordinal);
            Assert.Contains(">no worker<", orders, StringComparison.Ordinal);
            var billing = Row(page, "billing/invoice");
            Assert.Contains("data-field=\"deadLetters\">2<", billing, StringComparison.Ordinal);
            Assert.Contains(">dead letters<", billing, StringComparison.Ordinal);
            var audit = Row(page, "audit");
            Assert.DoesNotContain("class=\"stuck\"", audit, StringComparison.Ordinal);
            Assert.Contains("data-field=\"subscriptions\">1<", audit, StringComparison.Ordinal);
            Assert.Contains("2 need a look", page, StringComparison.Ordinal);
            Assert.Contains("<span class=\"kind\">in-memory</span>", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryPageCarriesAStrictContentSecurityPolicyAndRefusesFraming()
    {
        await using var app = await TestApp.StartAsync();
        await app.Transport.ProduceAsync(Payloads.Message(new ChannelDefinition("a"), "x"), CancellationToken.None);
        using var client = app.Client();

        foreach (var path in new[] { "", "dead-letters?channel=a", "api/channels", "dashboard.css", "dashboard.js", "channel?name=missing" })
        {
            using var response = await client.GetAsync(path);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
        // Nothing outside the machine: no absolute address in a page, no inline script or style to allow.
        var page = await client.PageAsync("");
        Assert.DoesNotContain("http://", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", page, StringComparison.Ordinal);
        Assert.Contains("<script defer src=\"/broker/dashboard.js\"></script>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheJsonTheScriptPollsCarriesCountsAndRatesOfThePagesWindow()
    {
        await using var app = await TestApp.StartAsync();
        var channel = new ChannelDefinition("live");
        await app.Transport.ProduceAsync(Payloads.Message(channel, "x"), CancellationToken.None);
        await app.Transport.ProduceAsync(Payloads.Message(new ChannelDefinition("other"), "y"), CancellationToken.None);
        using var client = app.Client();

        var one = await client.PageAsync("api/channels?name=live");

        Assert.Contains("\"name\":\"live\"", one, StringComparison.Ordinal);
        Assert.Contains("\"ready\":\"1\"", one, StringComparison.Ordinal);
        Assert.DoesNotContain("other", one, StringComparison.Ordinal);
        var all = await client.PageAsync("api/channels");
        Assert.Contains("\"name\":\"other\"", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChannelTheBrokerDoesNotHoldIsA404ThatNamesIt()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.Client();

        var page = await client.PageAsync("channel?name=nope", HttpStatusCode.NotFound);
        Assert.Contains("no channel named &#x27;nope&#x27;", page, StringComparison.Ordinal);
        var missing = await client.PageAsync("channel", HttpStatusCode.BadRequest);
        Assert.Contains("?name=", missing, StringComparison.Ordinal);
        var badAfter = await client.PageAsync("dead-letters?channel=nope&after=x", HttpStatusCode.NotFound);
        Assert.Contains("nope", badAfter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChannelListIsPaged()
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 0; i < Dashboard.ChannelsPerPage + 5; i++)
            await app.Transport.ProduceAsync(Payloads.Message(new ChannelDefinition($"c{i:000}"), "x"), CancellationToken.None);
        using var client = app.Client();

        var first = await client.PageAsync("");
        Assert.Contains("data-channel=\"c099\"", first, StringComparison.Ordinal);
        Assert.DoesNotContain("data-channel=\"c100\"", first, StringComparison.Ordinal);
        Assert.Contains("href=\"/broker/?after=c099\"", first, StringComparison.Ordinal);
        var second = await client.PageAsync("?after=c099");
        Assert.Contains("data-channel=\"c104\"", second, StringComparison.Ordinal);
        Assert.DoesNotContain("data-channel=\"c099\"", second, StringComparison.Ordinal);
        Assert.DoesNotContain("Next channels", second, StringComparison.Ordinal);
    }

    /// <summary>The markup of one channel's row of the channel list.</summary>
    internal static string Row(string page, string channel)
    {
        var start = page.IndexOf($"<tr data-channel=\"{channel}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No row for {channel}:\n{page}");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}

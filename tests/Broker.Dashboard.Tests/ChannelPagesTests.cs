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

    [Fact]
    public async Task AChannelsPageShowsItsMessagesPeekedAndPagedWithoutConsumingThem()
    {
        await using var app = await TestApp.StartAsync();
        var channel = new ChannelDefinition("orders/created");
        for (var i = 0; i < Dashboard.MessagesPerPage + 2; i++)
            await app.Transport.ProduceAsync(Payloads.Message(channel, $"order {i}", new Dictionary<string, string> { ["tenant"] = "acme" }), CancellationToken.None);
        await app.Transport.ProduceAsync(new ChannelMessage(channel, Payloads.Document("later"), null, TimeSpan.FromHours(1), 0), CancellationToken.None);
        using var client = app.Client();

        var first = await client.PageAsync("channel?name=orders%2Fcreated");

        Assert.Contains("<h1>orders/created</h1>", first, StringComparison.Ordinal);
        Assert.Contains("data-field=\"ready\">27<", first, StringComparison.Ordinal);
        Assert.Contains("data-field=\"delayed\">1<", first, StringComparison.Ordinal);
        Assert.Contains("&quot;t&quot;: &quot;order 0&quot;", first, StringComparison.Ordinal);
        Assert.Contains("<dt>tenant</dt><dd>acme</dd>", first, StringComparison.Ordinal);
        Assert.Contains("<span class=\"state ready\">ready</span>", first, StringComparison.Ordinal);
        Assert.Contains("0 deliveries", first, StringComparison.Ordinal);
        Assert.DoesNotContain("order 25", first, StringComparison.Ordinal);
        var next = System.Text.RegularExpressions.Regex.Match(first, "href=\"/broker/(channel\\?name=orders%2Fcreated&amp;after=\\d+)\">Next messages");
        Assert.True(next.Success, first);
        var second = await client.PageAsync(System.Net.WebUtility.HtmlDecode(next.Groups[1].Value));
        Assert.Contains("&quot;t&quot;: &quot;order 26&quot;", second, StringComparison.Ordinal);
        Assert.Contains("<span class=\"state delayed\">delayed</span>", second, StringComparison.Ordinal);
        Assert.Contains("due <time>", second, StringComparison.Ordinal);
        Assert.DoesNotContain("order 0&quot;", second, StringComparison.Ordinal);
        // Peeking took nothing: the first worker still gets the first message, on its first delivery.
        await using var worker = await app.Transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        var delivery = await worker.NextAsync();
        Assert.Equal(1, delivery.Tries);
        Assert.Contains("order 0", System.Text.Encoding.UTF8.GetString(delivery.Payload.Span), StringComparison.Ordinal);
        Assert.Contains("data-field=\"ready\">27<", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RatesAppearOnceTwoLooksAreASecondApart()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var app = await TestApp.StartAsync(time: time);
        var channel = new ChannelDefinition("orders/created");
        using var client = app.Client();
        await app.Transport.ProduceAsync(Payloads.Message(channel, "first"), CancellationToken.None);

        var before = Row(await client.PageAsync(""), "orders/created");
        for (var i = 0; i < 20; i++)
            await app.Transport.ProduceAsync(Payloads.Message(channel, $"order {i}"), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(2));
        var after = Row(await client.PageAsync(""), "orders/created");

        // A dash (encoded) until there is an earlier look to compare with.
        Assert.Contains("data-field=\"produced\">&#x2013;<", before, StringComparison.Ordinal);
        Assert.Contains("data-field=\"produced\">10/s<", after, StringComparison.Ordinal);
        Assert.Contains("data-field=\"completed\">0/s<", after, StringComparison.Ordinal);
        Assert.Contains("data-field=\"oldest\">2 s<", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LargePayloadsAreCutShortSoAPageOfThemStaysSmall()
    {
        await using var app = await TestApp.StartAsync();
        var channel = new ChannelDefinition("blobs");
        var big = new string('x', 200_000);
        for (var i = 0; i < Dashboard.MessagesPerPage + 1; i++)
            await app.Transport.ProduceAsync(Payloads.Message(channel, big), CancellationToken.None);
        using var client = app.Client();

        var page = await client.PageAsync("channel?name=blobs");

        Assert.Contains("Cut short: the first 16,384 characters of", page, StringComparison.Ordinal);
        Assert.Contains("Payload, 195.3 KiB", page, StringComparison.Ordinal);
        // 25 payloads of 200 KB each: the page carries 16 K characters of each, not 5 MB.
        Assert.True(page.Length < Dashboard.MessagesPerPage * (Pages.MessageView.MaxPayloadCharacters + 2048), $"The page is {page.Length} characters.");
    }

    [Fact]
    public async Task APollCarriesOnePageOfChannelsAtMost()
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 0; i < Dashboard.ChannelsPerPage + 20; i++)
            await app.Transport.ProduceAsync(Payloads.Message(new ChannelDefinition($"c{i:000}"), "x"), CancellationToken.None);
        using var client = app.Client();

        var first = await client.PageAsync("api/channels");
        var second = await client.PageAsync("api/channels?after=c099");

        Assert.Equal(Dashboard.ChannelsPerPage, System.Text.RegularExpressions.Regex.Count(first, "\"name\":"));
        Assert.Equal(20, System.Text.RegularExpressions.Regex.Count(second, "\"name\":"));
        Assert.Contains("\"name\":\"c100\"", second, StringComparison.Ordinal);
    }

    /// <summary>The markup of one channel's row of the channel list.</summary>
    internal static string Row(string page, string channel)
    {
        var start = page.IndexOf($"<tr data-channel=\"{channel}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No row for {channel}:\n{page}");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}

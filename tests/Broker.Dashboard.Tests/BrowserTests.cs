using System.Text;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace Broker.Dashboard.Tests;

/// <summary>
/// End to end in a real headless Chromium: an operator finds a stuck channel, reads its dead letter, re-drives it through
/// the confirmation page and sees it consumed; once against a real broker-server process, once in an ASP.NET Core app.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserTests
{
    private const string Token = "s3cret-token";

    [Fact]
    public async Task AgainstBrokerServerAnOperatorRedrivesADeadLetterAndSeesItConsumed()
    {
        await using var server = await ServerProcess.StartAsync("--token", Token);
        await using var client = server.Client(Token);
        var transport = client.GetRequiredService<IQueueTransport>();
        var orders = new ChannelDefinition("orders/created");
        var invoices = new ChannelDefinition("billing/invoice", maxAttempts: 2, retryDelay: TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 3; i++)
            await transport.ProduceAsync(Payloads.Message(orders, $"order {i}"), CancellationToken.None);
        await transport.ProduceAsync(Payloads.Message(invoices, "invoice 7"), CancellationToken.None);
        // A consumer that fails until the channel's attempts run out: the message is dead-lettered.
        await using (var failing = await transport.SubscribeAsync(invoices, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None))
        {
            for (var attempt = 0; attempt < invoices.MaxAttempts; attempt++)
                await failing.FailAsync(await failing.NextAsync(), FailureKind.Transient, "Invoice service said 502", CancellationToken.None);
        }
        await Waits.UntilAsync(async () => (await transport.ListDeadLettersAsync(invoices, 0, 10, CancellationToken.None)).Count == 1, "the invoice to be dead-lettered");
        var id = (await transport.ListDeadLettersAsync(invoices, 0, 10, CancellationToken.None)).Single().Id;
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + Token));
        using var browser = Browser.Start(new Dictionary<string, string> { ["Authorization"] = "Basic " + credentials });

        browser.Go(server.Dashboard);
        await browser.WaitForTextAsync("tr[data-channel='orders/created'] [data-field='ready']", "3");
        await browser.WaitForTextAsync("tr[data-channel='billing/invoice'] [data-field='deadLetters']", "1");
        Assert.Contains("stuck", browser.Find("tr[data-channel='billing/invoice']").GetAttribute("class"), StringComparison.Ordinal);
        browser.Find("tr[data-channel='billing/invoice'] a[data-field='deadLetters']").Click();
        await browser.WaitForTextAsync("p.error", "Invoice service said 502");
        Assert.Contains("2 attempts", browser.Find($"#m{id}").Text, StringComparison.Ordinal);
        browser.Find($"#m{id} a.button").Click();
        await browser.WaitForTextAsync("h1", $"Re-drive message {id} of channel billing/invoice?");
        browser.Find("form button[type='submit']").Click();
        await browser.WaitForTextAsync("p.notice.done", $"Message {id} was re-driven");
        await browser.WaitForTextAsync("p.empty", "No dead letters.");
        await browser.WaitForTextAsync("[data-field='ready']", "1");

        // A worker started after the re-drive receives it; the page, polling, sees the channel drain.
        await using var worker = await transport.SubscribeAsync(invoices, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        var delivery = await worker.NextAsync();
        Assert.Equal(id, delivery.Id);
        await worker.CompleteAsync(delivery, CancellationToken.None);
        await browser.WaitForTextAsync("[data-field='ready']", "0");
        browser.Go(server.Dashboard);
        await browser.WaitForTextAsync("tr[data-channel='billing/invoice'] [data-field='deadLetters']", "0");
        Assert.DoesNotContain("stuck", browser.Find("tr[data-channel='billing/invoice']").GetAttribute("class") ?? "", StringComparison.Ordinal);
    }

    private static long PageWidth(Browser browser) =>
        Convert.ToInt64(browser.Driver.ExecuteScript("return document.documentElement.scrollWidth"), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task InAnAspNetCoreAppWithTheEmbeddedBrokerBehindItsPolicy()
    {
        var data = Path.Combine(Path.GetTempPath(), "broker-dashboard-app-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var app = await TestApp.StartAsync(b => b.UseEmbedded(data));
            using var traffic = new CancellationTokenSource();
            var running = await SampleTraffic.StartAsync(app.Transport, traffic.Token);
            try
            {
                using (var anonymous = Browser.Start())
                {
                    anonymous.Go(app.Dashboard);
                    Assert.DoesNotContain("Channels", anonymous.Driver.PageSource, StringComparison.Ordinal);
                }
                using var browser = Browser.Start(new Dictionary<string, string> { [HeaderAuthenticationHandler.Header] = "ops" });

                browser.Go(app.Dashboard);
                await browser.WaitForTextAsync("span.kind", "embedded");
                await browser.WaitForTextAsync("tr[data-channel='email/send'] [data-field='ready']", "37");
                await browser.WaitForTextAsync("tr[data-channel='billing/invoice'] [data-field='deadLetters']", "3");
                // The script polls: live rates appear without a reload.
                await Waits.UntilAsync(() => Task.FromResult(browser.Find("tr[data-channel='orders/created'] [data-field='produced']").Text.EndsWith("/s", StringComparison.Ordinal)), "a live produce rate");
                var screenshots = Environment.GetEnvironmentVariable("BROKER_DASHBOARD_SCREENSHOTS") is { Length: > 0 } folder ? folder : Path.Combine(data, "screenshots");
                browser.Screenshot(Path.Combine(screenshots, "dashboard.png"), 1280, 760);
                browser.Screenshot(Path.Combine(screenshots, "dashboard-phone.png"), 390, 844);
                Assert.True(new FileInfo(Path.Combine(screenshots, "dashboard-phone.png")).Length > 10_000);
                // At a small phone's width nothing runs off the side, on the list or on the dead letters.
                browser.Driver.Manage().Window.Size = new System.Drawing.Size(375, 812);
                Assert.True(PageWidth(browser) <= 375, $"The channel list is {PageWidth(browser)} px wide at 375.");
                browser.Find("tr[data-channel='billing/invoice'] a[data-field='deadLetters']").Click();
                await browser.WaitForTextAsync("p.error", "502 Bad Gateway");
                Assert.True(PageWidth(browser) <= 375, $"The dead letters are {PageWidth(browser)} px wide at 375.");
                browser.Go(app.Dashboard);

                browser.Driver.Manage().Window.Size = new System.Drawing.Size(1280, 900);
                browser.Find("tr[data-channel='billing/invoice'] a[data-field='deadLetters']").Click();
                var first = browser.Find("li.message.dead");
                var id = first.GetAttribute("id")![1..];
                first.FindElement(By.CssSelector("a.button.danger")).Click();
                await browser.WaitForTextAsync("h1", $"Delete message {id} of channel billing/invoice?");
                browser.Find("form button[type='submit']").Click();
                await browser.WaitForTextAsync("p.notice.done", $"Message {id} was deleted.");
                browser.Find("p.actions a.button").Click();
                await browser.WaitForTextAsync("h1", "Re-drive all 2 dead letters of channel billing/invoice?");
                browser.Find("form button[type='submit']").Click();
                await browser.WaitForTextAsync("p.notice.done", "2 dead letters were re-driven.");
                Assert.Empty(await app.Transport.ListDeadLettersAsync(SampleTraffic.Invoices, 0, 10, CancellationToken.None));
            }
            finally
            {
                await traffic.CancelAsync();
                await running;
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

/// <summary>The browser tests one at a time: each starts a Chromium, and the machine is small.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}

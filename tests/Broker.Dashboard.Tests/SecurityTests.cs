using System.Net;
using Broker.Engine;
using Broker.Engine.Storage;
using Broker.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Dashboard.Tests;

/// <summary>Who may see and change what, and that data never becomes markup.</summary>
public sealed class SecurityTests
{
    private static readonly ChannelDefinition Failing = new("billing/invoice");

    [Fact]
    public async Task TheAppsAuthorizationPolicyGuardsEveryEndpoint()
    {
        await using var app = await TestApp.StartAsync();
        await Payloads.DeadLetterAsync(app.Transport, Failing, 1, "boom");
        var id = (await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None)).Single().Id;
        using var ops = app.Client();
        var form = await ops.ConfirmAsync($"dead-letters/redrive?channel=billing%2Finvoice&id={id}");
        using var anonymous = app.Client(role: null);
        using var guest = app.Client(role: "guest");

        foreach (var path in new[] { "", "dashboard.css", "dashboard.js", "api/channels", "channel?name=billing%2Finvoice", "dead-letters?channel=billing%2Finvoice", $"dead-letters/redrive?channel=billing%2Finvoice&id={id}", "dead-letters/redrive-all?channel=billing%2Finvoice" })
        {
            using var refused = await anonymous.GetAsync(path);
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"GET {path} anonymously: {refused.StatusCode}");
            using var forbidden = await guest.GetAsync(path);
            Assert.True(forbidden.StatusCode == HttpStatusCode.Forbidden, $"GET {path} as a guest: {forbidden.StatusCode}");
        }
        // Even with a valid token and its cookie copied over, a POST without the role changes nothing.
        using var stolen = new HttpClient { BaseAddress = app.Dashboard };
        using var request = new HttpRequestMessage(HttpMethod.Post, form.Action) { Content = new FormUrlEncodedContent([new(form.TokenField, form.Token)]) };
        request.Headers.Add("Cookie", ops.Cookies);
        using var post = await stolen.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Single(await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task ScriptInErrorsHeadersPayloadsAndAddressesIsShownAsTextNeverRun()
    {
        await using var app = await TestApp.StartAsync();
        var headers = new Dictionary<string, string> { ["<script>alert('key')</script>"] = "<script>alert('value')</script>" };
        await app.Transport.ProduceAsync(Payloads.Message(Failing, "<script>alert('payload')</script>", headers), CancellationToken.None);
        await using (var subscription = await app.Transport.SubscribeAsync(Failing, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None))
        {
            var delivery = await subscription.NextAsync();
            await subscription.FailAsync(delivery, FailureKind.Permanent, "\"><script>alert('error')</script>", CancellationToken.None);
        }
        using var client = app.Client();

        var page = await client.PageAsync("dead-letters?channel=billing%2Finvoice");
        var missing = await client.PageAsync("channel?name=%3Cscript%3Ealert('name')%3C%2Fscript%3E", HttpStatusCode.NotFound);
        var badId = await client.PageAsync("dead-letters/redrive?channel=billing%2Finvoice&id=%3Cscript%3E", HttpStatusCode.BadRequest);

        foreach (var html in new[] { page, missing, badId })
        {
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        }
        Assert.Contains("&quot;&gt;&lt;script&gt;alert(&#x27;error&#x27;)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.Contains("<dt>&lt;script&gt;alert(&#x27;key&#x27;)&lt;/script&gt;</dt><dd>&lt;script&gt;alert(&#x27;value&#x27;)&lt;/script&gt;</dd>", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;payload&#x27;)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;", missing, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", badId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReadOnlyViewSaysSoOffersNoButtonsAndRefusesChanges()
    {
        ReadOnlyView? view = null;
        await using var app = await TestApp.StartAsync(management: services => view = new ReadOnlyView(((IManageableTransport)services.GetRequiredService<IQueueTransport>()).Management));
        await Payloads.DeadLetterAsync(app.Transport, Failing, 1, "boom");
        var id = (await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None)).Single().Id;
        using var client = app.Client();

        var home = await client.PageAsync("");
        var deadLetters = await client.PageAsync("dead-letters?channel=billing%2Finvoice");
        var confirm = await client.PageAsync($"dead-letters/redrive?channel=billing%2Finvoice&id={id}", HttpStatusCode.Conflict);

        foreach (var page in new[] { home, deadLetters, confirm })
            Assert.Contains(ReadOnlyView.Reason, page, StringComparison.Ordinal);
        Assert.Contains("Read-only.", home, StringComparison.Ordinal);
        Assert.DoesNotContain("/dead-letters/redrive?", deadLetters, StringComparison.Ordinal);
        Assert.DoesNotContain("/dead-letters/delete?", deadLetters, StringComparison.Ordinal);
        Assert.DoesNotContain("Re-drive all", deadLetters, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", confirm, StringComparison.Ordinal);
        Assert.Single(await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task AChangeTheBrokerRefusesAsReadOnlyIsA409AndChangesNothing()
    {
        ReadOnlyView? view = null;
        await using var app = await TestApp.StartAsync(management: services => view = new ReadOnlyView(((IManageableTransport)services.GetRequiredService<IQueueTransport>()).Management));
        await Payloads.DeadLetterAsync(app.Transport, Failing, 1, "boom");
        var id = (await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None)).Single().Id;
        using var client = app.Client();
        // The home page hands out the antiforgery cookie only through a confirmation page, which a read-only view does
        // not show: take a valid token pair from the antiforgery service itself, as a page of the app could.
        var antiforgery = app.App.Services.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>();
        // Tokens are bound to the user: the same one the client signs in as.
        var user = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.Name, "tester"), new(System.Security.Claims.ClaimTypes.Role, "ops")], HeaderAuthenticationHandler.SchemeName));
        var context = new DefaultHttpContext { RequestServices = app.App.Services, User = user };
        var tokens = antiforgery.GetAndStoreTokens(context);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/broker/dead-letters/redrive?channel=billing%2Finvoice&id={id}")
        {
            Content = new FormUrlEncodedContent([new(tokens.FormFieldName, tokens.RequestToken!)]),
        };
        request.Headers.Add("Cookie", context.Response.Headers.SetCookie.ToString().Split(';')[0]);

        using var response = await client.Http.SendAsync(request);

        var page = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{response.StatusCode}: {page}");
        Assert.Contains(ReadOnlyView.Reason, page, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", page, StringComparison.Ordinal);
        Assert.Equal(1, view!.ChangesAttempted);
        Assert.Single(await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task ATransportWithoutAManagementApiGetsAnErrorThatSaysWhatToDo()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IQueueTransport>(new UnmanageableTransport(new EngineTransport(new QueueEngine(new MemoryQueueStore()), ownsEngine: true)));
        builder.Services.AddAntiforgery();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlRepository = new Broker.Server.Dashboard.MemoryXmlRepository());
        await using var app = builder.Build();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (InvalidOperationException ex)
            {
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync(ex.Message);
            }
        });
        app.MapBrokerDashboard("/broker");
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var response = await http.GetAsync("/broker/");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var message = await response.Content.ReadAsStringAsync();
        Assert.Contains("UnmanageableTransport", message, StringComparison.Ordinal);
        Assert.Contains("has no management API", message, StringComparison.Ordinal);
        Assert.Contains("MapBrokerDashboard(prefix, management)", message, StringComparison.Ordinal);
        await app.StopAsync();
    }

    [Fact]
    public void MappingWithoutBrokerOrAntiforgeryFailsAtOnceNamingWhatToAdd()
    {
        var noBroker = WebApplication.CreateSlimBuilder();
        noBroker.Services.AddAntiforgery();
        using var withoutBroker = noBroker.Build();
        var brokerError = Assert.Throws<InvalidOperationException>(() => withoutBroker.MapBrokerDashboard("/broker"));
        Assert.Contains("AddBroker", brokerError.Message, StringComparison.Ordinal);

        var noAntiforgery = WebApplication.CreateSlimBuilder();
        noAntiforgery.Services.AddBroker(b => b.UseInMemory());
        using var withoutAntiforgery = noAntiforgery.Build();
        var antiforgeryError = Assert.Throws<InvalidOperationException>(() => withoutAntiforgery.MapBrokerDashboard("/broker"));
        Assert.Contains("AddAntiforgery()", antiforgeryError.Message, StringComparison.Ordinal);

        var prefixError = Assert.Throws<ArgumentException>(() => withoutBroker.MapBrokerDashboard("broker", new ReadOnlyView(null!)));
        Assert.Contains("must start with '/'", prefixError.Message, StringComparison.Ordinal);
    }
}

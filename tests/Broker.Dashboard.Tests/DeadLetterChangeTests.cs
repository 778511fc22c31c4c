using System.Net;

namespace Broker.Dashboard.Tests;

/// <summary>Re-drive and delete: a confirmation page, a POST with the antiforgery token, a redirect with a notice.</summary>
public sealed class DeadLetterChangeTests
{
    private static readonly ChannelDefinition Failing = new("billing/invoice");

    [Fact]
    public async Task RedriveGoesThroughTheConfirmationPageAndRedirectsBackWithANotice()
    {
        await using var app = await TestApp.StartAsync();
        await Payloads.DeadLetterAsync(app.Transport, Failing, 1, "boom");
        var id = (await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None)).Single().Id;
        using var client = app.Client();

        var list = await client.PageAsync("dead-letters?channel=billing%2Finvoice");
        Assert.Contains($"href=\"/broker/dead-letters/redrive?channel=billing%2Finvoice&amp;id={id}\"", list, StringComparison.Ordinal);
        var form = await client.ConfirmAsync($"dead-letters/redrive?channel=billing%2Finvoice&id={id}");
        Assert.Contains($"Re-drive message {id} of channel billing/invoice?", form.Page, StringComparison.Ordinal);
        // Only looking changes nothing.
        Assert.Single(await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None));

        using var response = await client.SubmitAsync(form);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal($"/broker/dead-letters?channel=billing%2Finvoice&done=redriven&n={id}", response.Headers.Location!.OriginalString);
        Assert.Empty(await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None));
        await using var worker = await app.Transport.SubscribeAsync(Failing, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        Assert.Equal(id, (await worker.NextAsync()).Id);
        var after = await client.PageAsync(response.Headers.Location.OriginalString.Replace("/broker/", "", StringComparison.Ordinal));
        Assert.Contains($"Message {id} was re-driven", after, StringComparison.Ordinal);
        Assert.Contains("No dead letters.", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteRemovesTheDeadLetterForGood()
    {
        await using var app = await TestApp.StartAsync();
        await Payloads.DeadLetterAsync(app.Transport, Failing, 2, "boom");
        var ids = (await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None)).Select(e => e.Id).ToList();
        using var client = app.Client();

        var form = await client.ConfirmAsync($"dead-letters/delete?channel=billing%2Finvoice&id={ids[0]}");
        using var response = await client.SubmitAsync(form);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains("done=deleted", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal([ids[1]], (await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None)).Select(e => e.Id));
        // The same form again: the message is gone, and the notice says so.
        using var again = await client.SubmitAsync(form);
        Assert.Contains("done=gone", again.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedriveAllRedrivesEveryDeadLetterThereWasWhenConfirmed()
    {
        await using var app = await TestApp.StartAsync();
        // More than one listing's worth, so re-driving goes on past the first.
        await Payloads.DeadLetterAsync(app.Transport, Failing, Dashboard.RedriveBatch + 30, "boom");
        using var client = app.Client();

        var form = await client.ConfirmAsync("dead-letters/redrive-all?channel=billing%2Finvoice");
        Assert.Contains("Re-drive all 130 dead letters of channel billing/invoice?", form.Page, StringComparison.Ordinal);
        // Dead-lettered after the confirmation was shown: left alone.
        await Payloads.DeadLetterAsync(app.Transport, Failing, 1, "later");
        using var response = await client.SubmitAsync(form);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains("done=redriven-all&n=130", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var left = await app.Transport.ListDeadLettersAsync(Failing, 0, 100, CancellationToken.None);
        Assert.Equal("later", Assert.Single(left).Error);
    }

    [Fact]
    public async Task APostWithAValidTokenButAChannelNameTheBrokerRefusesIs400NamingTheRule()
    {
        await using var app = await TestApp.StartAsync();
        await Payloads.DeadLetterAsync(app.Transport, Failing, 1, "boom");
        var id = (await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None)).Single().Id;
        using var client = app.Client();
        var form = await client.ConfirmAsync($"dead-letters/redrive?channel=billing%2Finvoice&id={id}");

        // The form's own token, on an address edited to name a channel no broker accepts.
        using var response = await client.PostAsync(form.Action.Replace("billing%2Finvoice", "bad%20name%21", StringComparison.Ordinal), [new(form.TokenField, form.Token)]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("bad name!", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task APostWithoutTheTokenOrWithAWrongOneChangesNothingAndIs400()
    {
        await using var app = await TestApp.StartAsync();
        await Payloads.DeadLetterAsync(app.Transport, Failing, 1, "boom");
        var id = (await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None)).Single().Id;
        using var client = app.Client();
        var form = await client.ConfirmAsync($"dead-letters/redrive?channel=billing%2Finvoice&id={id}");

        using var none = await client.PostAsync(form.Action, []);
        using var wrong = await client.PostAsync(form.Action, [new(form.TokenField, form.Token[..^4] + "AAAA")]);
        // A token from another client (with its own cookie) is refused too: the cookie and the field go together.
        using var other = app.Client();
        using var foreign = await other.PostAsync(form.Action, [new(form.TokenField, form.Token)]);
        using var deleteNone = await client.PostAsync($"/broker/dead-letters/delete?channel=billing%2Finvoice&id={id}", []);
        using var allNone = await client.PostAsync("/broker/dead-letters/redrive-all?channel=billing%2Finvoice&upto=1000", []);

        foreach (var response in new[] { none, wrong, foreign, deleteNone, allNone })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("nothing was changed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Single(await app.Transport.ListDeadLettersAsync(Failing, 0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task DeadLettersArePagedAndShowTheirErrorAttemptsHeadersAndPayload()
    {
        await using var app = await TestApp.StartAsync();
        await Payloads.DeadLetterAsync(app.Transport, Failing, Dashboard.MessagesPerPage + 3, "Invoice service said 502", new Dictionary<string, string> { ["tenant"] = "acme" });
        var ids = (await app.Transport.ListDeadLettersAsync(Failing, 0, 100, CancellationToken.None)).Select(e => e.Id).ToList();
        using var client = app.Client();

        var first = await client.PageAsync("dead-letters?channel=billing%2Finvoice");
        var last = ids[Dashboard.MessagesPerPage - 1];
        Assert.Contains($"id=\"m{last}\"", first, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"m{ids[Dashboard.MessagesPerPage]}\"", first, StringComparison.Ordinal);
        Assert.Contains($"href=\"/broker/dead-letters?channel=billing%2Finvoice&amp;after={last}\"", first[first.IndexOf("</ol>", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("Invoice service said 502", first, StringComparison.Ordinal);
        Assert.Contains("1 attempt", first, StringComparison.Ordinal);
        Assert.Contains("<dt>tenant</dt><dd>acme</dd>", first, StringComparison.Ordinal);
        Assert.Contains("&quot;t&quot;: &quot;dead 0&quot;", first, StringComparison.Ordinal);
        var second = await client.PageAsync($"dead-letters?channel=billing%2Finvoice&after={last}");
        Assert.Contains($"id=\"m{ids[^1]}\"", second, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"m{last}\"", second, StringComparison.Ordinal);
        Assert.DoesNotContain("Next dead letters", second, StringComparison.Ordinal);
        await client.PageAsync("dead-letters?channel=billing%2Finvoice&after=-1", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ConfirmingADeadLetterThatIsNotThereIsA404()
    {
        await using var app = await TestApp.StartAsync();
        await Payloads.DeadLetterAsync(app.Transport, Failing, 1, "boom");
        using var client = app.Client();

        var page = await client.PageAsync("dead-letters/redrive?channel=billing%2Finvoice&id=999", HttpStatusCode.NotFound);
        Assert.Contains("has no dead letter 999", page, StringComparison.Ordinal);
        await client.PageAsync("dead-letters/delete?channel=billing%2Finvoice&id=abc", HttpStatusCode.BadRequest);
    }
}

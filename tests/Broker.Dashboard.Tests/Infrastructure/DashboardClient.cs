using System.Net;
using System.Text.RegularExpressions;

namespace Broker.Dashboard.Tests.Infrastructure;

/// <summary>
/// A browser as far as HTTP goes: keeps cookies (the antiforgery one), sends the given headers with every request, and
/// shows redirects instead of following them.
/// </summary>
public sealed partial class DashboardClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly CookieContainer _cookies = new();

    public DashboardClient(Uri dashboard, IEnumerable<(string Name, string Value)> headers)
    {
        Dashboard = dashboard;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = dashboard, Timeout = Waits.Generous };
        foreach (var (name, value) in headers)
            _http.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
    }

    /// <summary>The dashboard's home page, such as http://127.0.0.1:40123/broker/.</summary>
    public Uri Dashboard { get; }

    public HttpClient Http => _http;

    /// <summary>The cookies it holds for the dashboard, as a Cookie header.</summary>
    public string Cookies => _cookies.GetCookieHeader(Dashboard);

    /// <summary>GETs a dashboard address (relative to its home, such as "dead-letters?channel=x").</summary>
    public Task<HttpResponseMessage> GetAsync(string relative) => _http.GetAsync(relative);

    public async Task<string> PageAsync(string relative, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await GetAsync(relative);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {relative}: {(int)response.StatusCode} instead of {(int)expected}:\n{body}");
        return body;
    }

    /// <summary>Loads a confirmation page and returns its form: the action and the antiforgery token's field and value.</summary>
    public async Task<ConfirmForm> ConfirmAsync(string relative)
    {
        var page = await PageAsync(relative);
        var form = FormPattern().Match(page);
        Assert.True(form.Success, "The confirmation page has no form:\n" + page);
        var input = HiddenPattern().Match(page);
        Assert.True(input.Success, "The confirmation form has no hidden token:\n" + page);
        return new ConfirmForm(WebUtility.HtmlDecode(form.Groups[1].Value), WebUtility.HtmlDecode(input.Groups[1].Value), WebUtility.HtmlDecode(input.Groups[2].Value), page);
    }

    /// <summary>POSTs a form to an absolute path (as a form's action names it).</summary>
    public Task<HttpResponseMessage> PostAsync(string action, IEnumerable<KeyValuePair<string, string>> fields) =>
        _http.PostAsync(new Uri(Dashboard, action), new FormUrlEncodedContent(fields));

    public Task<HttpResponseMessage> SubmitAsync(ConfirmForm form) => PostAsync(form.Action, [new(form.TokenField, form.Token)]);

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\"")]
    private static partial Regex HiddenPattern();
}

public sealed record ConfirmForm(string Action, string TokenField, string Token, string Page);

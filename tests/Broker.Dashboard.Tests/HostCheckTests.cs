using System.Net;

namespace Broker.Dashboard.Tests;

/// <summary>
/// DNS rebinding: a web page the operator opens can point its own name at 127.0.0.1 and then read and post to the
/// dashboard of a server without credentials as if it were its own origin (the antiforgery token is readable from the
/// same origin). Such a request names that foreign host in its Host header; the dashboard serves only requests made to an
/// address (or <c>localhost</c>) when it has no credentials to ask for.
/// </summary>
public sealed class HostCheckTests
{
    [Theory]
    [InlineData("/api/channels")]
    [InlineData("/")]
    [InlineData("/dashboard.js")]
    public async Task WithoutCredentialsARequestNamingAForeignHostIsRefused(string path)
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var rebound = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Dashboard, path));
        rebound.Headers.Host = $"rebind.attacker.example:{server.HttpPort}";
        using var refused = await http.SendAsync(rebound);
        using var direct = await http.GetAsync(new Uri(server.Dashboard, path));
        using var byName = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Dashboard, path));
        byName.Headers.Host = $"localhost:{server.HttpPort}";
        using var local = await http.SendAsync(byName);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, refused.StatusCode);
        Assert.DoesNotContain("channel", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }
}

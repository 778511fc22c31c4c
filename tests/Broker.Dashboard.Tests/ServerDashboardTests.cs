using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Broker.Dashboard.Tests;

/// <summary><c>broker-server --http</c>: the dashboard over the server's engine, behind the server's credentials.</summary>
public sealed partial class ServerDashboardTests
{
    private const string Token = "s3cret-token";

    [Fact]
    public async Task TheDashboardAsksForTheServersCredentialsAndTakesTheTokenAsPasswordWithAnyUser()
    {
        await using var server = await ServerProcess.StartAsync("--token", Token);
        using var http = new HttpClient { BaseAddress = server.Dashboard };

        using var anonymous = await http.GetAsync("/");
        using var wrong = await Send(http, "/", Basic("ops", "guess"));
        using var right = await Send(http, "/", Basic("anyone", Token));
        using var css = await Send(http, "/dashboard.css", Basic("someone-else", Token));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic realm=\"broker-server\", charset=\"UTF-8\"", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var page = await right.Content.ReadAsStringAsync();
        Assert.Contains("<span class=\"kind\">server</span>", page, StringComparison.Ordinal);
        Assert.Contains("broker-server ", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Contains("Serving the dashboard at http://127.0.0.1:", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongGuessesAreThrottledPerAddressLikeTheQueueListeners()
    {
        await using var server = await ServerProcess.StartAsync("--token", Token);
        using var http = new HttpClient { BaseAddress = server.Dashboard };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await Send(http, "/api/channels", Basic("x", "guess" + i));
            statuses.Add(response.StatusCode);
        }
        using var rightButThrottled = await Send(http, "/", Basic("x", Token));

        // The server's default burst is 10 failures; then the address waits, even with the right token.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10), statuses.Take(10));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightButThrottled.StatusCode);
        Assert.NotNull(rightButThrottled.Headers.RetryAfter);
    }

    [Fact]
    public async Task RequestsOverTheSizeLimitsAreRefusedBeforeTheyAreRead()
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Dashboard };

        using var longLine = await http.GetAsync("/channel?name=" + new string('a', 5000));
        using var bigBody = await http.PostAsync("/dead-letters/redrive?channel=a&id=1", new ByteArrayContent(new byte[64 * 1024]) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") } });
        using var fine = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.RequestUriTooLong, longLine.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bigBody.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task OneAddressHoldsAFewConnectionsAtMostAndIdleOnesAreCutOffSoOthersGetIn()
    {
        var metricsPort = FreePorts.Next();
        await using var server = await ServerProcess.StartAsync("--metrics", $"127.0.0.1:{metricsPort}");
        var idle = new List<System.Net.Sockets.TcpClient>();
        try
        {
            // Sockets that connect and say nothing, as many as one address may hold.
            for (var i = 0; i < 8; i++)
            {
                var socket = new System.Net.Sockets.TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, server.HttpPort);
                idle.Add(socket);
            }
            // The idle ones' 5 s for a request count from about now.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            // Connected is not yet taken in: wait until the server says the eight hold their slots.
            using (var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/"), Timeout = Waits.Generous })
            {
                await Waits.UntilAsync(async () =>
                {
                    var held = DashboardConnections().Match(await metrics.GetStringAsync("metrics"));
                    return held.Success && int.Parse(held.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 8;
                }, "the dashboard to hold the eight idle connections");
            }
            using var http = new HttpClient { BaseAddress = server.Dashboard, Timeout = Waits.Generous };

            // One more waits for a slot: it is served once the server cut the idle ones off (their 5 s for a request).
            using var response = await http.GetAsync("/");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(watch.Elapsed > TimeSpan.FromSeconds(2), $"Served after {watch.Elapsed.TotalSeconds:0.0} s, while 8 idle sockets held every slot of the address.");
            foreach (var socket in idle)
            {
                var buffer = new byte[1024];
                var stream = socket.GetStream();
                // The server closed it (after a 408 at most): reading ends.
                while (await stream.ReadAsync(buffer).AsTask().WaitAsync(Waits.Generous) > 0)
                {
                }
            }
        }
        finally
        {
            foreach (var socket in idle)
                socket.Dispose();
        }
    }

    [Fact]
    public async Task WithoutCredentialsTheDashboardIsServedOnLoopbackOnly()
    {
        await using var server = ServerProcess.Launch(["--http", $"0.0.0.0:{FreePorts.Next()}"], http: false);

        var exitCode = await server.WaitForExitAsync();

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Refusing to serve the dashboard on 0.0.0.0:", server.Output, StringComparison.Ordinal);
        Assert.Contains("Set --token", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheOptionNoDashboardIsServed()
    {
        await using var server = ServerProcess.Launch([], http: false);
        await Waits.UntilAsync(() => Task.FromResult(server.Output.Contains("Broker server listening on", StringComparison.Ordinal)), "the server to listen");

        Assert.DoesNotContain("Serving the dashboard", server.Output, StringComparison.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(server.Dashboard));
    }

    internal static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    private static Task<HttpResponseMessage> Send(HttpClient http, string path, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return http.SendAsync(request);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^broker_server_dashboard_connections (\d+)$", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex DashboardConnections();
}

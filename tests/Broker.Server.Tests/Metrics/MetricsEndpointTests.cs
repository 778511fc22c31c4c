using System.Globalization;
using System.Net;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Metrics;

/// <summary>
/// <c>broker-server --metrics</c>, the real executable: what a scrape shows after known traffic, how a bad value is
/// refused, and that requests other than a scrape are turned away while the broker keeps serving its clients.
/// </summary>
public sealed partial class MetricsEndpointTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/metered");

    [Fact]
    public async Task AScrapeShowsConnectionsFsyncsAndExactChannelGauges()
    {
        using var data = new TempDirectory();
        var metricsPort = FreePorts.Next();
        await using var server = await ServerProcess.StartAsync(data.Path, "--metrics", $"127.0.0.1:{metricsPort}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}"), Timeout = Waits.Generous };
        await using var transport = TestServer.CreateTransport(server.Address);

        // Five messages, one delayed; two leased, one of which is dead-lettered, which frees credit for a third.
        for (var i = 0; i < 4; i++)
            Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, $"job {i}"), CancellationToken.None)).IsEnqueued);
        Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, "later", delay: TimeSpan.FromHours(1)), CancellationToken.None)).IsEnqueued);
        await using var subscription = await transport.SubscribeAsync(Jobs, new SubscriptionSettings(2, TimeSpan.FromMinutes(5)), CancellationToken.None);
        var first = await subscription.NextAsync();
        await subscription.NextAsync();
        Assert.Equal(SettleOutcome.DeadLettered, await subscription.FailAsync(first, FailureKind.Permanent, "poison", CancellationToken.None));
        await subscription.NextAsync();

        var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Scrape scrape = new(text);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains($"Serving metrics at http://127.0.0.1:{metricsPort}/metrics", server.Process.Output, StringComparison.Ordinal);
        var channel = "{messaging_destination_name=\"jobs/metered\"}";
        Assert.Equal(1, scrape.Value("broker_channel_ready" + channel));
        Assert.Equal(1, scrape.Value("broker_channel_delayed" + channel));
        Assert.Equal(2, scrape.Value("broker_channel_in_flight" + channel));
        Assert.Equal(1, scrape.Value("broker_channel_dead_letters" + channel));
        Assert.Equal(1, scrape.Value("broker_server_connections"));
        Assert.Equal(1, scrape.Value("broker_server_connections_accepted_total"));
        Assert.Equal(0, scrape.Value("broker_server_authentication_failures_total{error_type=\"AuthenticationFailed\"}") ?? 0);
        Assert.Contains("# TYPE broker_log_fsync_duration_seconds histogram\n", text, StringComparison.Ordinal);
        // Every produce, the settles and the policy were fsynced before they were answered (fsync is the default).
        var fsyncs = scrape.Value("broker_log_fsync_duration_seconds_count");
        Assert.True(fsyncs >= 6, $"{fsyncs} fsyncs counted");
        Assert.Equal(fsyncs, scrape.Value("broker_log_fsync_duration_seconds_bucket{le=\"+Inf\"}"));
        var buckets = scrape.Buckets("broker_log_fsync_duration_seconds_bucket");
        Assert.True(buckets.Count > 5, $"{buckets.Count} buckets");
        Assert.Equal(buckets.OrderBy(b => b.Le).Select(b => b.Count), buckets.Select(b => b.Count).Order());
        Assert.True(scrape.Value("broker_log_group_commit_records_sum") >= fsyncs);
        Assert.True(scrape.Value("broker_log_size_bytes") > 0);
    }

    [Fact]
    public async Task MetricsAreOffByDefault()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);

        Assert.DoesNotContain("Serving metrics", server.Process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics.example.com:9464", "--metrics address")]
    [InlineData("127.0.0.1:99999", "--metrics address")]
    [InlineData("127.0.0.1:LISTEN", "--metrics (127.0.0.1:")]
    [InlineData(":9464", "--metrics address ':9464' has no IP address")]
    [InlineData("http://127.0.0.1:9464", "--metrics address 'http://127.0.0.1:9464' must be host:port without a scheme or path: write 127.0.0.1:9464.")]
    public async Task ABadMetricsValueStopsTheStartNamingTheSetting(string value, string named)
    {
        using var data = new TempDirectory();
        var port = FreePorts.Next();
        // LISTEN: the queue listener's own port.
        value = value.Replace("LISTEN", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await using var server = ChildProcess.Start("Broker.Server.dll", ["--data", data.Path, "--listen", $"127.0.0.1:{port}", "--metrics", value]);

        Assert.Equal(2, await server.WaitForExitAsync());
        Assert.Contains(named, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMetricsPortInUseStopsTheStartNamingTheSetting()
    {
        using var data = new TempDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var server = ChildProcess.Start("Broker.Server.dll", ["--data", data.Path, "--listen", $"127.0.0.1:{FreePorts.Next()}", "--metrics", $"127.0.0.1:{port}"]);

        Assert.Equal(1, await server.WaitForExitAsync());
        Assert.Contains($"Cannot serve metrics on 127.0.0.1:{port} (--metrics)", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Broker server listening", server.Output, StringComparison.Ordinal);
        // Said once, without a stack trace: not also by the host and the metrics endpoint's own host.
        Assert.Equal(1, Regex.Count(server.Output, "address already in use"));
        Assert.Contains("The broker server cannot start: Cannot serve metrics", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Broker.", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--metrics")]
    [InlineData("BROKER_METRICS")]
    public async Task ABlankMetricsValueIsOff(string source)
    {
        using var data = new TempDirectory();
        var arguments = new List<string> { "--data", data.Path, "--listen", $"127.0.0.1:{FreePorts.Next()}" };
        var environment = new Dictionary<string, string>();
        if (source == "--metrics")
            arguments.AddRange(["--metrics", " "]);
        else
            environment[source] = " ";
        await using var server = ChildProcess.Start("Broker.Server.dll", arguments, environment);

        await server.WaitForLineAsync("Broker server listening on");

        Assert.DoesNotContain("Serving metrics", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMetricsSettingComesFromTheEnvironmentToo()
    {
        using var data = new TempDirectory();
        var metricsPort = FreePorts.Next();
        await using var server = ChildProcess.Start("Broker.Server.dll", ["--data", data.Path, "--listen", $"127.0.0.1:{FreePorts.Next()}"], new Dictionary<string, string>
        {
            ["BROKER_METRICS"] = $"127.0.0.1:{metricsPort}",
        });
        await server.WaitForLineAsync("Broker server listening on");
        using var http = new HttpClient { Timeout = Waits.Generous };

        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));

        Assert.Contains("broker_server_connections 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestsOtherThanAScrapeAreRefusedAndTheBrokerKeepsServing()
    {
        using var data = new TempDirectory();
        var metricsPort = FreePorts.Next();
        await using var server = await ServerProcess.StartAsync(data.Path, "--metrics", $"127.0.0.1:{metricsPort}");
        var metrics = new Uri($"http://127.0.0.1:{metricsPort}/metrics");
        await using var transport = TestServer.CreateTransport(server.Address);

        using (var http = new HttpClient { Timeout = Waits.Generous })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync(metrics, new StringContent("x"))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync(metrics)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/"))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics/../admin"))).StatusCode);
            // A header past the limit (8 KiB in all), and a request line past 1 KiB.
            using var huge = new HttpRequestMessage(HttpMethod.Get, metrics);
            huge.Headers.Add("X-Padding", new string('a', 16 * 1024));
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, (await http.SendAsync(huge)).StatusCode);
            var longPath = await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics?{new string('q', 4096)}"));
            Assert.Equal(HttpStatusCode.RequestUriTooLong, longPath.StatusCode);
        }

        // Many idle connections: the endpoint holds a few (closing the rest at once) and the broker is not touched.
        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                idle.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, metricsPort).WaitAsync(Waits.Generous);
            }
            Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, "still served"), CancellationToken.None)).IsEnqueued);
            await using var subscription = await transport.SubscribeAsync(Jobs, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
            Assert.Equal("still served", (await subscription.NextAsync()).Text());

            // The ones it holds are closed once idle too long, so a scraper gets in while they are still open here.
            using var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string? text = null;
            await Waits.UntilAsync(async () =>
            {
                try
                {
                    text = await scraper.GetStringAsync(metrics);
                    return true;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, "a scrape to be served while idle sockets are held open", timeout: TimeSpan.FromSeconds(45));
            Assert.Contains("broker_server_connections_accepted_total 1\n", text, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var socket in idle)
                socket.Dispose();
        }
    }

    [Fact]
    public async Task EveryAnswerClosesItsConnectionMethodsAreCaseSensitiveAndABodyIsRefused()
    {
        using var data = new TempDirectory();
        var port = FreePorts.Next();
        await using var server = await ServerProcess.StartAsync(data.Path, "--metrics", $"127.0.0.1:{port}");
        const string Get = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";

        // Two requests in one write: the first is answered and the connection closed, so a client cannot keep a slot
        // between scrapes, nor have one scrape answered many times for one connection.
        var twice = await HttpAsync(port, Get + Get);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", twice, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", twice, StringComparison.Ordinal);
        Assert.Matches("\r\nContent-Length: [0-9]+\r\n", twice);
        Assert.Single(Regex.Matches(twice, "HTTP/1.1 "));
        var notFound = await HttpAsync(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n" + Get);
        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", notFound, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", notFound, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(notFound, "HTTP/1.1 "));
        // Methods are case-sensitive: only GET is a scrape.
        Assert.StartsWith("HTTP/1.1 404", await HttpAsync(port, "get /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 404", await HttpAsync(port, "Get /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), StringComparison.Ordinal);
        // A GET with a body, given by length or chunked.
        Assert.StartsWith("HTTP/1.1 413", await HttpAsync(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 413", await HttpAsync(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), StringComparison.Ordinal);
        // An empty body by length is no body.
        Assert.StartsWith("HTTP/1.1 200", await HttpAsync(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneAddressHoldsFourConnectionsAndAnotherAddressIsServedMeanwhile()
    {
        using var data = new TempDirectory();
        var port = FreePorts.Next();
        await using var server = await ServerProcess.StartAsync(data.Path, "--metrics", $"127.0.0.1:{port}");
        var one = IPAddress.Loopback;
        var other = IPAddress.Parse("127.0.0.2");
        const string Get = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";

        var held = new List<Socket>();
        try
        {
            // Four sockets from one address that say nothing: each holds a slot until its idle timeout (10 s).
            for (var i = 0; i < MetricsEndpointLimits.PerAddress; i++)
                held.Add(await ConnectAsync(port, one));
            await WaitUntilHeldAsync(port, held.Count, other);
            // A fifth from the same address waits for a slot...
            using var fifth = await ConnectAsync(port, one);
            await fifth.SendAsync(Encoding.ASCII.GetBytes(Get));
            var fifthAnswer = ReadToEndAsync(fifth);
            // ...while another address is served at once.
            var stopwatch = Stopwatch.StartNew();
            Assert.StartsWith("HTTP/1.1 200", await HttpAsync(port, Get, other), StringComparison.Ordinal);
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"another address waited {stopwatch.Elapsed}");
            Assert.False(fifthAnswer.IsCompleted);
            // One of the four goes: the fifth gets its slot and its answer.
            held[0].Dispose();
            Assert.StartsWith("HTTP/1.1 200", await fifthAnswer, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var socket in held)
                socket.Dispose();
        }
    }

    [Fact]
    public async Task AConnectionThatFindsNoSlotWaitsFiveSecondsThenIsClosedAndLogged()
    {
        using var data = new TempDirectory();
        var port = FreePorts.Next();
        await using var server = await ServerProcess.StartAsync(data.Path, "--metrics", $"127.0.0.1:{port}");
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < MetricsEndpointLimits.PerAddress; i++)
                held.Add(await ConnectAsync(port, IPAddress.Loopback));
            await WaitUntilHeldAsync(port, held.Count, IPAddress.Parse("127.0.0.2"));
            var stopwatch = Stopwatch.StartNew();

            var answer = await HttpAsync(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", IPAddress.Loopback);

            Assert.Equal("", answer);
            Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(9));
            await server.Process.WaitForLineAsync("Refused a metrics connection from 127.0.0.1:");
            Assert.Contains("4 connections from its address were open", server.Process.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var socket in held)
                socket.Dispose();
        }
    }

    [Fact]
    public async Task AReaderTooSlowIsCutOffAndAScraperElsewhereIsServedMeanwhile()
    {
        using var data = new TempDirectory();
        var port = FreePorts.Next();
        await using var server = await ServerProcess.StartAsync(data.Path, "--metrics", $"127.0.0.1:{port}", "--max-channels", "6000", "--segment-bytes", "16MiB");
        await using (var transport = TestServer.CreateTransport(server.Address))
        {
            // 5,000 channels with long names: a scrape of about 4 MB, more than the socket buffers hold.
            await Task.WhenAll(Enumerable.Range(0, 5_000).Select(async i =>
                Assert.True((await transport.ProduceAsync(Payloads.Message(new ChannelDefinition($"slow/{new string('x', 110)}{i:D6}"), "m"), CancellationToken.None)).IsEnqueued)));
        }
        var stopwatch = Stopwatch.StartNew();
        var readers = new List<Socket>();
        try
        {
            // Readers that ask and then read nothing at all, from one address: each holds its slot, and its scrape,
            // only until it has failed to read 64 KiB a second for a while (or 30 s at most).
            for (var i = 0; i < MetricsEndpointLimits.PerAddress; i++)
            {
                var reader = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                readers.Add(reader);
                await reader.ConnectAsync(IPAddress.Loopback, port);
                await reader.SendAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
            }
            var scrape = await HttpAsync(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", IPAddress.Parse("127.0.0.2"));
            Assert.StartsWith("HTTP/1.1 200", scrape, StringComparison.Ordinal);
            Assert.True(scrape.Length > 3_000_000, $"{scrape.Length} bytes");

            await Task.Delay(TimeSpan.FromSeconds(3));
            foreach (var reader in readers)
            {
                // Now it reads: what it gets ends (reset or closed) long before the whole scrape.
                var received = 0L;
                try
                {
                    var buffer = new byte[64 * 1024];
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45) - stopwatch.Elapsed);
                    int read;
                    while ((read = await reader.ReceiveAsync(buffer, timeout.Token)) > 0)
                    {
                        received += read;
                        // Slowly: 4 KiB a second, the pace of the attack.
                        await Task.Delay(1000, timeout.Token);
                    }
                }
                catch (SocketException)
                {
                    // Reset: cut off mid-response.
                }
                Assert.True(received < scrape.Length / 2, $"a slow reader got {received} of {scrape.Length} bytes");
            }
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(40), $"slow readers held on for {stopwatch.Elapsed}");
        }
        finally
        {
            foreach (var reader in readers)
                reader.Dispose();
        }
    }

    /// <summary>A connection from <paramref name="from"/> to the metrics port on loopback.</summary>
    private static async Task<Socket> ConnectAsync(int port, IPAddress from)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Waits.Generous);
        return socket;
    }

    /// <summary>Sends <paramref name="request"/> as it is and reads everything until the server closes.</summary>
    private static async Task<string> HttpAsync(int port, string request, IPAddress? from = null)
    {
        using var socket = await ConnectAsync(port, from ?? IPAddress.Loopback);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        return await ReadToEndAsync(socket);
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(Waits.Generous);
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
                received.Write(buffer, 0, read);
        }
        catch (SocketException)
        {
            // Reset after what was sent.
        }
        return Encoding.UTF8.GetString(received.ToArray());
    }

    /// <summary>The endpoint's limits, as docs/server.md states them.</summary>
    private static class MetricsEndpointLimits
    {
        public const int PerAddress = 4;
    }

    /// <summary>
    /// Waits until the endpoint reports <paramref name="held"/> connections in its slots besides the scrape asking (from
    /// <paramref name="from"/>, another address, so it never waits behind them): the server has taken them in.
    /// </summary>
    private static Task WaitUntilHeldAsync(int port, int held, IPAddress from) =>
        Waits.UntilAsync(async () =>
        {
            var response = await HttpAsync(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", from);
            var open = EndpointConnections().Match(response);
            return open.Success && int.Parse(open.Groups[1].Value, CultureInfo.InvariantCulture) >= held + 1;
        }, $"the metrics endpoint to hold {held} connections");

    [GeneratedRegex(@"^broker_server_metrics_endpoint_connections (\d+)$", RegexOptions.Multiline)]
    private static partial Regex EndpointConnections();

    /// <summary>The samples of one scrape by series (name and labels).</summary>
    private sealed partial class Scrape(string text)
    {
        private readonly Dictionary<string, double> _samples = text.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (Series: l[..l.LastIndexOf(' ')], Value: l[(l.LastIndexOf(' ') + 1)..]))
            .ToDictionary(s => s.Series, s => double.Parse(s.Value, CultureInfo.InvariantCulture));

        public double? Value(string series) => _samples.TryGetValue(series, out var value) ? value : null;

        /// <summary>A histogram's finite buckets (without labels), by upper bound.</summary>
        public List<(double Le, double Count)> Buckets(string name) =>
        [
            .. _samples
                .Select(s => (s, Match: LeLabel().Match(s.Key)))
                .Where(x => x.s.Key.StartsWith(name + "{le=", StringComparison.Ordinal) && x.Match.Success && x.Match.Groups[1].Value != "+Inf")
                .Select(x => (double.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.s.Value)),
        ];

        [GeneratedRegex("le=\"([^\"]+)\"")]
        private static partial Regex LeLabel();
    }
}

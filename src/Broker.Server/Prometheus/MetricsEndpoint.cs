using System.Diagnostics.Metrics;
using System.Net;
using Broker.Diagnostics;
using System.Threading.RateLimiting;
using Broker.Server.Configuration;
using Broker.Server.Diagnostics;
using Broker.Server.Hosting;
using Broker.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Prometheus;

/// <summary>
/// The HTTP side of <c>--metrics</c>: a Kestrel server that answers <c>GET /metrics</c> with the collector's text and
/// everything else with 404. It is small on purpose: HTTP/1.1 only, one request per connection (every response says
/// <c>Connection: close</c>), no request body, small header and request-line limits (a larger request gets 431 or 414),
/// a handful of connections and fewer per source address, short timeouts for idle ones and a minimum rate for reading
/// a response. It has no authentication, which is why it is off by default and logs a warning on a non-loopback address.
/// </summary>
/// <remarks>
/// Why one request per connection: a connection kept alive between scrapes holds one of the few slots while it idles,
/// so a handful of clients sending a request now and then could keep every slot and lock a real scraper out. Prometheus
/// opens a connection per scrape anyway when told to close it, which costs a handshake every scrape interval.
/// </remarks>
internal sealed class MetricsEndpoint : IAsyncDisposable
{
    /// <summary>The path served.</summary>
    public const string Path = "/metrics";

    /// <summary>Connections served at once; further ones wait for a slot (<see cref="SlotWait"/>, <see cref="MaxWaiting"/>).</summary>
    public const int MaxConnections = 16;

    /// <summary>
    /// Connections held at once from one source address (an IPv6 /64): a Prometheus server needs one per target, so
    /// this leaves room for a few tools besides, while one address cannot take more than a quarter of the slots.
    /// </summary>
    public const int MaxConnectionsPerAddress = 4;

    /// <summary>Connections that found no slot and wait for one; further ones are closed at once.</summary>
    public const int MaxWaiting = 64;

    /// <summary>How long a connection that found no slot waits for one before it is closed.</summary>
    public static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(5);

    /// <summary>How long a connection that has a slot may stay idle before its request.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The slowest a client may read a response, after a grace period: a scraper on any network reads megabytes a second,
    /// while a client reading a few hundred bytes a second would hold a slot, and the text it is sent, for hours.
    /// </summary>
    public static readonly MinDataRate MinResponseDataRate = new(bytesPerSecond: 64 * 1024, gracePeriod: TimeSpan.FromSeconds(2));

    /// <summary>
    /// The socket send buffer of a connection. Kestrel measures <see cref="MinResponseDataRate"/> only while a write
    /// waits, and Linux lets a loopback socket's buffer grow to 4 MiB: a client reading 400 bytes a second took megabytes
    /// at once and kept its slot for a minute before the rate applied. 256 KiB (the kernel doubles it) still carries
    /// tens of MB/s on a LAN.
    /// </summary>
    public const int SendBufferBytes = 256 * 1024;

    /// <summary>
    /// The longest a response may take, from the request to the last byte: three times Prometheus' default scrape
    /// timeout (10 s), and far longer than a scrape takes when <see cref="MaxBytesPerSecond"/> is shared by every slot
    /// (7 s for 20,000 channels).
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The bytes a second all responses together are sent at, at most. Rendering is cached, but sending is not free: a
    /// flood of scrapers reading as fast as loopback goes (750 MB/s in the test) cost the server more than half of one
    /// core, mostly in copies. 32 MiB/s costs a few percent of one core, sends a scrape of 20,000 channels (14 MB) in
    /// half a second when nothing else is sent, and in 7 s when 16 responses share it.
    /// </summary>
    public const int MaxBytesPerSecond = 32 * 1024 * 1024;

    private static readonly TimeSpan LogWindow = TimeSpan.FromSeconds(10);

    // Permits are KiB: a chunk is 64 of them.
    private const int PermitBytes = 1024;

    private readonly WebApplication _app;
    private readonly ITimer _summaries;
    private readonly TokenBucketRateLimiter _bandwidth;
    private readonly Meter _meter;

    private MetricsEndpoint(WebApplication app, IPEndPoint bound, ITimer summaries, TokenBucketRateLimiter bandwidth, Meter meter)
    {
        _app = app;
        LocalEndPoint = bound;
        _summaries = summaries;
        _bandwidth = bandwidth;
        _meter = meter;
    }

    /// <summary>The bound address (with the actual port when port 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds <paramref name="endpoint"/> and starts serving.</summary>
    /// <exception cref="StartRefusedException">The address cannot be bound; the message names <c>--metrics</c>.</exception>
    public static async Task<MetricsEndpoint> StartAsync(ListenEndpoint endpoint, MetricsCollector collector, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("Broker.Server.Metrics");
        var gate = new ConnectionGate(MaxConnections, MaxConnectionsPerAddress, MaxWaiting);
        // The endpoint's own occupancy, so an operator (and a test) can see its slots taken without guessing.
        var meter = new Meter(BrokerTelemetry.ServerMeterName);
        gate.Report(meter, "broker.server.metrics_endpoint", "the metrics endpoint");
        // A flood of connections is refused without a log line each: a few, then a summary per window.
        var refusedLines = new LogRateLimiter(5, LogWindow);
        var admission = new GatedAdmission(gate, SlotWait, refusedLines, (remote, reason) => PrometheusLog.ConnectionRefused(logger, remote, reason));
        var perTenthOfASecond = MaxBytesPerSecond / 10 / PermitBytes;
        var bandwidth = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perTenthOfASecond,
            TokensPerPeriod = perTenthOfASecond,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            AutoReplenishment = true,
            // Oldest first: the responses take turns chunk by chunk, so each gets its share. Each waits for one chunk
            // at most, so the queue never holds more than a chunk per connection.
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            QueueLimit = MaxConnections * (ChunkPool.ChunkBytes / PermitBytes),
        });
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "broker-server-metrics" });
        // The server's own logging (its console format and its filters), not a second configuration of it.
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        // The broker's host handles SIGTERM and Ctrl+C and stops this one; a console lifetime of its own would race it.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var limits = kestrel.Limits;
            // Counted by the gate below, which also counts per address, and logs refusals rate-limited (Kestrel's own
            // limit logs a warning per refused connection: a flood of connections became a flood of log lines).
            limits.MaxConcurrentConnections = null;
            limits.MaxConcurrentUpgradedConnections = 0;
            limits.MaxRequestBodySize = 0;
            limits.MaxRequestLineSize = 1024;
            limits.MaxRequestHeadersTotalSize = 8 * 1024;
            limits.MaxRequestHeaderCount = 32;
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
            // How long a connection that sends nothing at all is held. Short, so sockets left idle cannot keep the few
            // slots from a scraper for long.
            limits.KeepAliveTimeout = IdleTimeout;
            limits.MinResponseDataRate = MinResponseDataRate;
            kestrel.Listen(endpoint.EndPoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(next => connection => admission.AdmitAsync(connection, next));
            });
        });
        builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = address =>
        {
            // Accepted sockets inherit the listener's buffer size (and Linux then leaves it alone).
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(address);
            socket.SendBufferSize = SendBufferBytes;
            return socket;
        });
        var app = builder.Build();
        app.Run(context => ServeAsync(context, collector, bandwidth));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            await bandwidth.DisposeAsync().ConfigureAwait(false);
            meter.Dispose();
            throw new StartRefusedException($"Cannot serve metrics on {endpoint} (--{ServerSetting.Metrics.Switch}): {ex.Message}", ex);
        }
        var bound = endpoint.EndPoint;
        if (bound.Port == 0 && app.Urls.FirstOrDefault() is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            bound = new IPEndPoint(bound.Address, uri.Port);
        var summaries = TimeProvider.System.CreateTimer(_ =>
        {
            foreach (var summary in refusedLines.TakeSummaries())
                PrometheusLog.ConnectionsRefusedSummary(logger, summary.Events, Source(summary.Key), summary.Period.TotalSeconds, summary.Suppressed, MaxConnections, MaxConnectionsPerAddress, MaxWaiting, SlotWait.TotalSeconds);
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return new MetricsEndpoint(app, bound, summaries, bandwidth, meter);
    }

    /// <summary>Stops accepting, lets a scrape in progress finish (for a moment), and closes.</summary>
    public async ValueTask DisposeAsync()
    {
        await _summaries.DisposeAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // What is still open is closed by the dispose below.
        }
        await _app.DisposeAsync().ConfigureAwait(false);
        await _bandwidth.DisposeAsync().ConfigureAwait(false);
        _meter.Dispose();
    }
    private static async Task ServeAsync(HttpContext context, MetricsCollector collector, RateLimiter bandwidth)
    {
        var request = context.Request;
        var response = context.Response;
        // One request per connection: see the remarks on the class.
        response.Headers.Connection = "close";
        // Methods are case-sensitive (RFC 9110, 9.1): "get" is not GET, though HttpMethods.IsGet says it is.
        if (!string.Equals(request.Method, HttpMethods.Get, StringComparison.Ordinal) || !request.Path.Equals(Path, StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        // Kestrel refuses a body (MaxRequestBodySize 0) only when one is read; a scrape never reads it, so say so here.
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(ResponseTimeout);
        var cancellation = deadline.Token;
        Exposition exposition;
        try
        {
            exposition = await collector.ScrapeAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            context.Abort();
            return;
        }
        var sent = false;
        try
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = PrometheusText.ContentType;
            response.Headers.CacheControl = "no-store";
            response.ContentLength = exposition.Length;
            // The cached bytes as they are: the pipe copies each chunk, so the chunks are free again once written.
            foreach (var segment in exposition.Segments)
            {
                using var lease = await bandwidth.AcquireAsync((segment.Length + PermitBytes - 1) / PermitBytes, cancellation).ConfigureAwait(false);
                if (!lease.IsAcquired)
                    break;
                var flushed = await response.BodyWriter.WriteAsync(segment, cancellation).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                    break;
            }
            sent = !cancellation.IsCancellationRequested;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client went away, or took longer than ResponseTimeout.
        }
        finally
        {
            exposition.Release();
            // A response cut short is not one: close the connection rather than leave it looking complete.
            if (!sent)
                context.Abort();
        }
    }

    /// <summary>How logs name a source.</summary>
    private static string Source(string key) => key == LogRateLimiter.OtherKeys ? "other addresses" : key;
}

using System.Net;
using Broker.Server.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Prometheus;

/// <summary>
/// The HTTP side of <c>--metrics</c>: a Kestrel server that answers <c>GET /metrics</c> with the collector's text and
/// everything else with 404. It is small on purpose: HTTP/1.1 only, no request body, small header and request-line
/// limits (a larger request gets 431 or 414), a handful of connections, short timeouts for idle ones. It has no
/// authentication, which is why it is off by default and logs a warning on a non-loopback address.
/// </summary>
internal sealed class MetricsEndpoint : IAsyncDisposable
{
    /// <summary>The path served.</summary>
    public const string Path = "/metrics";

    /// <summary>Connections held at once; further ones are closed as they arrive. Prometheus keeps one per server.</summary>
    public const int MaxConnections = 16;

    /// <summary>How long a connection may stay idle, before its first request or between requests.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;

    private MetricsEndpoint(WebApplication app, IPEndPoint bound)
    {
        _app = app;
        LocalEndPoint = bound;
    }

    /// <summary>The bound address (with the actual port when port 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds <paramref name="endpoint"/> and starts serving.</summary>
    /// <exception cref="InvalidOperationException">The address cannot be bound; the message names <c>--metrics</c>.</exception>
    public static async Task<MetricsEndpoint> StartAsync(ListenEndpoint endpoint, MetricsCollector collector, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
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
            limits.MaxConcurrentConnections = MaxConnections;
            limits.MaxConcurrentUpgradedConnections = 0;
            limits.MaxRequestBodySize = 0;
            limits.MaxRequestLineSize = 1024;
            limits.MaxRequestHeadersTotalSize = 8 * 1024;
            limits.MaxRequestHeaderCount = 32;
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
            // Also how long a connection that sends nothing at all is held. Short, so sockets left idle cannot keep
            // the few slots from a scraper for long; a scraper that waits longer between scrapes simply reconnects.
            limits.KeepAliveTimeout = IdleTimeout;
            kestrel.Listen(endpoint.EndPoint, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        app.Run(context => ServeAsync(context, collector));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"Cannot serve metrics on {endpoint} (--{ServerSetting.Metrics.Switch}): {ex.Message}", ex);
        }
        var bound = endpoint.EndPoint;
        if (bound.Port == 0 && app.Urls.FirstOrDefault() is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            bound = new IPEndPoint(bound.Address, uri.Port);
        return new MetricsEndpoint(app, bound);
    }

    /// <summary>Stops accepting, lets a scrape in progress finish (for a moment), and closes.</summary>
    public async ValueTask DisposeAsync()
    {
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
    }

    private static async Task ServeAsync(HttpContext context, MetricsCollector collector)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) || !request.Path.Equals(Path, StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var aborted = context.RequestAborted;
        Exposition exposition;
        try
        {
            // Waits asynchronously while another request collects: no thread-pool thread is held.
            exposition = await collector.ScrapeAsync(aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }
        try
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = PrometheusText.ContentType;
            response.Headers.CacheControl = "no-store";
            response.ContentLength = exposition.Length;
            // The cached bytes as they are: the pipe copies each chunk, so the chunks are free again once written.
            foreach (var segment in exposition.Segments)
            {
                var flushed = await response.BodyWriter.WriteAsync(segment, aborted).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                    break;
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            exposition.Release();
        }
    }

    /// <summary>A host lifetime that waits for nothing and listens to no signal: the server starts and stops this host.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

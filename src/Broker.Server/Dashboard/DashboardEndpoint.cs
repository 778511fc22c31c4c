using System.Diagnostics.Metrics;
using System.Net;
using Broker.Diagnostics;
using Broker.Management;
using Broker.Server.Configuration;
using Broker.Server.Diagnostics;
using Broker.Server.Hosting;
using Broker.Server.Prometheus;
using Broker.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Dashboard;

/// <summary>
/// The HTTP side of <c>--http</c>: a Kestrel server for the web dashboard (Broker.Dashboard) over the server's engine,
/// hosted the way the metrics endpoint is: HTTP/1.1 only, a handful of connections and fewer per source address, small
/// request lines, headers and bodies (a dashboard form carries a token and nothing else), short timeouts. Every request
/// passes <see cref="BasicAuthentication"/> first when the server has credentials.
/// </summary>
internal sealed class DashboardEndpoint : IAsyncDisposable
{
    /// <summary>Connections served at once; further ones wait for a slot.</summary>
    public const int MaxConnections = 32;

    /// <summary>Connections from one source address (an IPv6 /64): a browser opens up to six to a host.</summary>
    public const int MaxConnectionsPerAddress = 8;

    /// <summary>Connections that found no slot and wait for one; further ones are closed at once.</summary>
    public const int MaxWaiting = 64;

    /// <summary>How long a connection that found no slot waits for one.</summary>
    public static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a kept-alive connection may idle between requests: longer than the page's 2 s poll, so an open page keeps
    /// its one connection, short enough that idle sockets give their slots back soon.
    /// </summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The largest request body: a confirmation form holds an antiforgery token (about 200 bytes).</summary>
    public const long MaxRequestBodyBytes = 16 * 1024;

    /// <summary>The longest request line: the address holds a channel name (128 characters, escaped) and an id or two.</summary>
    public const int MaxRequestLineBytes = 4 * 1024;

    /// <summary>All headers together: credentials, the antiforgery cookie and what browsers send besides.</summary>
    public const int MaxRequestHeadersBytes = 16 * 1024;

    private static readonly TimeSpan LogWindow = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private readonly ITimer _summaries;
    private readonly Meter _meter;

    private DashboardEndpoint(WebApplication app, IPEndPoint bound, ITimer summaries, Meter meter)
    {
        _app = app;
        LocalEndPoint = bound;
        _summaries = summaries;
        _meter = meter;
    }

    /// <summary>The bound address (with the actual port when port 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds <paramref name="endpoint"/> and starts serving the dashboard over <paramref name="management"/>.</summary>
    /// <exception cref="StartRefusedException">The address cannot be bound; the message names <c>--http</c>.</exception>
    public static async Task<DashboardEndpoint> StartAsync(ListenEndpoint endpoint, IBrokerManagement management, BasicAuthentication authentication, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("Broker.Server.Dashboard");
        var gate = new ConnectionGate(MaxConnections, MaxConnectionsPerAddress, MaxWaiting);
        // The dashboard's slots, as the metrics endpoint reports its own: an operator (and a test) sees them taken.
        var meter = new Meter(BrokerTelemetry.ServerMeterName);
        gate.Report(meter, "broker.server.dashboard", "the --http dashboard");
        var refusedLines = new LogRateLimiter(5, LogWindow);
        var admission = new GatedAdmission(gate, SlotWait, refusedLines, (remote, reason) => DashboardLog.ConnectionRefused(logger, remote, reason));
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "broker-server-dashboard" });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddRouting();
        builder.Services.AddAntiforgery(options => options.Cookie.Name = "broker-dashboard-antiforgery");
        // Keys in memory: a token needs to outlive a page, not the process, and nothing may be written to the home
        // directory. The ephemeral provider holds its own keys; the key ring data protection would otherwise warm up at
        // start (and write to ~/.aspnet) is kept in memory and not warmed at all.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.Configure<KeyManagementOptions>(options => options.XmlRepository = new MemoryXmlRepository());
        foreach (var warmUp in builder.Services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "DataProtectionHostedService").ToList())
            builder.Services.Remove(warmUp);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var limits = kestrel.Limits;
            limits.MaxConcurrentConnections = null;
            limits.MaxConcurrentUpgradedConnections = 0;
            limits.MaxRequestBodySize = MaxRequestBodyBytes;
            limits.MaxRequestLineSize = MaxRequestLineBytes;
            limits.MaxRequestHeadersTotalSize = MaxRequestHeadersBytes;
            limits.MaxRequestHeaderCount = 64;
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
            limits.KeepAliveTimeout = IdleTimeout;
            limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(2));
            limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 16 * 1024, gracePeriod: TimeSpan.FromSeconds(5));
            kestrel.Listen(endpoint.EndPoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(next => connection => admission.AdmitAsync(connection, next));
            });
        });
        builder.WebHost.UseSockets();
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            // Kestrel refuses a body over the limit only when it is read, and a handler that reads it as a form would
            // turn that into a 400: say 413 up front for a declared length.
            if (context.Request.ContentLength > MaxRequestBodyBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
            // Without credentials, the loopback address is all that guards the dashboard, and DNS rebinding gets past it:
            // a page the operator opens points its own name at 127.0.0.1 and reads, and posts to, the dashboard as its own
            // origin (the antiforgery token is readable from there). Its requests name that host; refuse them.
            if (!authentication.Required && !IsAddressOrLocalhost(context.Request.Host))
            {
                context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("This dashboard is served to its own address (or localhost) only.\n", context.RequestAborted).ConfigureAwait(false);
                return;
            }
            if (await authentication.AdmitAsync(context).ConfigureAwait(false))
                await next(context).ConfigureAwait(false);
        });
        app.MapBrokerDashboard("/", management);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            meter.Dispose();
            throw new StartRefusedException($"Cannot serve the dashboard on {endpoint} (--{ServerSetting.Http.Switch}): {ex.Message}", ex);
        }
        var bound = endpoint.EndPoint;
        if (bound.Port == 0 && app.Urls.FirstOrDefault() is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            bound = new IPEndPoint(bound.Address, uri.Port);
        var summaries = TimeProvider.System.CreateTimer(_ =>
        {
            foreach (var summary in refusedLines.TakeSummaries())
                DashboardLog.ConnectionsRefusedSummary(logger, summary.Events, summary.Key == LogRateLimiter.OtherKeys ? "other addresses" : summary.Key, summary.Period.TotalSeconds, summary.Suppressed);
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return new DashboardEndpoint(app, bound, summaries, meter);
    }

    /// <summary>Stops accepting, lets a request in progress finish (for a moment), and closes.</summary>
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
        _meter.Dispose();
    }

    /// <summary>
    /// Whether a request's Host names an IP address or <c>localhost</c>: names no other site can point at this machine
    /// (DNS rebinding needs a name of the attacker's own).
    /// </summary>
    internal static bool IsAddressOrLocalhost(HostString host) =>
        host.HasValue && (host.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host.Host.Trim('[', ']'), out _));
}

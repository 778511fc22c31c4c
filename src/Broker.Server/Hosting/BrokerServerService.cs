using System.Diagnostics;
using Broker.Engine;
using Broker.Server.Configuration;
using Broker.Server.Dashboard;
using Broker.Server.Network;
using Broker.Server.Prometheus;
using Broker.Server.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Hosting;

/// <summary>
/// Runs the server inside the generic host: opens the engine on the data directory and recovers it before accepting a
/// connection; on stop (SIGTERM, Ctrl+C) stops the network side gracefully, then closes the engine, which finishes the
/// store's last group commit and releases the data directory.
/// </summary>
internal sealed class BrokerServerService(BrokerServerOptions options, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Broker.Server");
    private QueueEngine? _engine;
    private BrokerServer? _server;
    private MetricsCollector? _metrics;
    private MetricsEndpoint? _metricsEndpoint;
    private DashboardEndpoint? _dashboard;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var certificate = TlsCertificates.Load(options);
        // Listening before the engine opens, so the log's first group commits are measured too. Without --metrics
        // nothing listens, and the instruments cost a check.
        if (options.Metrics is not null)
            _metrics = new MetricsCollector(MaxSeries(options), _logger);
        var started = Stopwatch.StartNew();
        _engine = EngineStore.Open(options, loggerFactory, TimeProvider.System);
        await _engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
        ServerLog.Recovered(_logger, _engine.Channels.Count, options.DataDirectory, options.Durability, started.ElapsedMilliseconds);
        if (_engine.ChannelCount > options.EffectiveMaxChannels)
            ServerLog.MoreChannelsThanTheLimit(_logger, _engine.ChannelCount, options.EffectiveMaxChannels);
        // Bound before the queue listener: a --metrics address that cannot be bound stops the start before any client
        // is served.
        if (options.Metrics is { } metricsAt)
        {
            _metricsEndpoint = await MetricsEndpoint.StartAsync(metricsAt, _metrics!, loggerFactory, cancellationToken).ConfigureAwait(false);
            var bound = _metricsEndpoint.LocalEndPoint.ToString();
            PrometheusLog.Serving(_logger, bound);
            if (!metricsAt.IsLoopback)
                PrometheusLog.NotLoopback(_logger, bound);
        }
        _server = new BrokerServer(options, _engine, loggerFactory, certificate);
        // Bound before the queue listener too; it checks credentials with the listener's own checker and throttle.
        if (options.Http is { } httpAt)
            await StartDashboardAsync(httpAt, _server, cancellationToken).ConfigureAwait(false);
        _server.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await StopDashboardAsync().ConfigureAwait(false);
        await StopMetricsAsync().ConfigureAwait(false);
        if (_server is not null)
            await _server.StopAsync().ConfigureAwait(false);
        if (_engine is not null)
            await _engine.DisposeAsync().ConfigureAwait(false);
        ServerLog.Stopped(_logger, options.DataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await StopDashboardAsync().ConfigureAwait(false);
        await StopMetricsAsync().ConfigureAwait(false);
        if (_server is not null)
            await _server.DisposeAsync().ConfigureAwait(false);
        if (_engine is not null)
            await _engine.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The label sets one metric keeps: a channel's worth for each channel the engine may hold (the recovered ones may
    /// pass the limit, hence the margin), which covers the per-channel gauges, and plenty for error codes.
    /// </summary>
    private static int MaxSeries(BrokerServerOptions options) => options.EffectiveMaxChannels + 1024;

    private async Task StartDashboardAsync(ListenEndpoint at, BrokerServer server, CancellationToken cancellationToken)
    {
        var authentication = new BasicAuthentication(server.Credentials, server.Throttle, server.PasswordHashes);
        _dashboard = await DashboardEndpoint.StartAsync(at, server.Management, authentication, loggerFactory, cancellationToken).ConfigureAwait(false);
        var bound = _dashboard.LocalEndPoint.ToString();
        DashboardLog.Serving(_logger, bound, server.Credentials.Required ? "the server's credentials required, HTTP Basic" : "no credentials, loopback only");
        if (!at.IsLoopback)
            DashboardLog.NotLoopback(_logger, bound);
    }

    private async Task StopDashboardAsync()
    {
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync().ConfigureAwait(false);
            _dashboard = null;
        }
    }

    private async Task StopMetricsAsync()
    {
        if (_metricsEndpoint is not null)
        {
            await _metricsEndpoint.DisposeAsync().ConfigureAwait(false);
            _metricsEndpoint = null;
        }
        _metrics?.Dispose();
        _metrics = null;
    }
}

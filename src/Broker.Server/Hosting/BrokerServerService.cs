using System.Diagnostics;
using Broker.Engine;
using Broker.Server.Configuration;
using Broker.Server.Network;
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

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var certificate = TlsCertificates.Load(options);
        var started = Stopwatch.StartNew();
        _engine = EngineStore.Open(options, loggerFactory, TimeProvider.System);
        await _engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
        ServerLog.Recovered(_logger, _engine.Channels.Count, options.DataDirectory, options.Durability, started.ElapsedMilliseconds);
        if (_engine.ChannelCount > options.EffectiveMaxChannels)
            ServerLog.MoreChannelsThanTheLimit(_logger, _engine.ChannelCount, options.EffectiveMaxChannels);
        _server = new BrokerServer(options, _engine, loggerFactory, certificate);
        _server.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
            await _server.StopAsync().ConfigureAwait(false);
        if (_engine is not null)
            await _engine.DisposeAsync().ConfigureAwait(false);
        ServerLog.Stopped(_logger, options.DataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync().ConfigureAwait(false);
        if (_engine is not null)
            await _engine.DisposeAsync().ConfigureAwait(false);
    }
}

using System.Diagnostics;
using Broker.Engine;
using Broker.Engine.Management;
using Broker.Engine.Storage.Log;
using Broker.Management;
using Broker.Server.Configuration;
using Broker.Server.Network;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Embedded;

/// <summary>
/// What the process holding a shared directory's lock runs: the log, the engine over it, and the server's core on the
/// directory's socket for the other processes. Made only by the lock's winner, so there is never a second one.
/// </summary>
internal sealed class EmbeddedHost : IAsyncDisposable
{
    private readonly BrokerServer _server;
    private readonly string _socket;
    private int _disposed;

    private EmbeddedHost(string directory, QueueEngine engine, BrokerServer server, string socket)
    {
        Engine = engine;
        _server = server;
        _socket = socket;
        Management = new EngineManagement(engine, BrokerKind.Embedded, directory);
    }

    public QueueEngine Engine { get; }

    public IBrokerManagement Management { get; }

    /// <summary>
    /// Takes the directory's lock, replays the log and serves the directory's socket. (An unshared directory needs none of
    /// this: UseEmbedded opens its log and engine directly.)
    /// </summary>
    /// <returns>The host, or null when another process holds the lock (it hosts; connect to its socket).</returns>
    /// <exception cref="IOException">The directory cannot be used (and not because another process holds it).</exception>
    /// <exception cref="LogDataLossException">The log lost acknowledged data; see <see cref="EmbeddedBrokerOptions.AcceptDataLoss"/>.</exception>
    public static async Task<EmbeddedHost?> TryStartAsync(
        EmbeddedBrokerOptions settings, string directory, TimeProvider time, ILoggerFactory? loggers, CancellationToken cancellationToken)
    {
        LogQueueStore store;
        try
        {
            store = LogQueueStore.Open(directory, settings.ToLogOptions(), time, loggers?.CreateLogger("Broker.Engine.Log"));
        }
        catch (IOException ex) when (ex.Data.Contains(OsLogFileSystem.HolderKey))
        {
            return null;
        }
        // The engine closes the log when disposed: the last group commit is written and the lock released.
        var engine = new QueueEngine(store, settings.ToEngineOptions(), time, loggers?.CreateLogger("Broker.Engine"), ownsStore: true);

        BrokerServer? server = null;
        try
        {
            // Replayed before the socket opens, as broker-server does: a client never waits on a half-read log.
            var started = Stopwatch.StartNew();
            await engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
            var socket = EmbeddedEndpoint.PathIn(directory);
            EmbeddedEndpoint.RemoveStale(socket);
            var options = new BrokerServerOptions
            {
                DataDirectory = directory,
                UnixSocket = socket,
                UnixSocketMode = EmbeddedEndpoint.ModeFor(directory),
                Durability = settings.Durability,
                SegmentBytes = settings.SegmentBytes,
                MaxMessageBytes = settings.MaxMessageBytes,
                MaxFrameBytes = settings.MaxMessageBytes + BrokerServerOptions.FrameAllowance,
                MaxChannels = settings.MaxChannels,
            };
            var serverLoggers = loggers ?? NullLoggerFactory.Instance;
            server = new BrokerServer(options, engine, new WarningsOnlyLoggerFactory(serverLoggers));
            server.Start();
            var logger = serverLoggers.CreateLogger("Broker.Embedded");
            var channels = engine.Channels.Count;
            var elapsed = started.ElapsedMilliseconds;
            EmbeddedLog.Hosting(logger, directory, socket, channels, elapsed);
            return new EmbeddedHost(directory, engine, server, socket);
        }
        catch
        {
            if (server is not null)
                await server.DisposeAsync().ConfigureAwait(false);
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Hands over: the socket stops taking connections, the requests it read are answered, its clients are told goodbye
    /// (they reconnect to the next host), the socket file goes, and only then the engine closes and the lock is released,
    /// so the next host finds everything this one acknowledged.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _server.DisposeAsync().ConfigureAwait(false);
        EmbeddedEndpoint.RemoveStale(_socket);
        await Engine.DisposeAsync().ConfigureAwait(false);
    }
}

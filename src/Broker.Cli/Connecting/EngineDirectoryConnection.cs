using Broker.Engine;
using Broker.Engine.Management;
using Broker.Engine.Storage.Log;
using Broker.Management;
using Broker.Transport;
using Microsoft.Extensions.Logging;

namespace Broker.Cli.Connecting;

/// <summary>
/// STAND-IN until <c>EmbeddedManagement.OpenAsync</c> lands: a data directory opened by an engine of this process,
/// read-write, which fails while another process holds the directory.
/// </summary>
internal sealed class EngineDirectoryConnection : IBrokerManagementConnection
{
    private readonly QueueEngine _engine;
    private readonly EngineManagement _management;

    private EngineDirectoryConnection(QueueEngine engine, string directory)
    {
        _engine = engine;
        _management = new EngineManagement(engine, BrokerKind.Embedded, directory);
    }

    public static async Task<IBrokerManagementConnection> OpenAsync(string directory, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var store = LogQueueStore.Open(directory, new LogStoreOptions(), TimeProvider.System, loggerFactory.CreateLogger("Broker.Engine.Log"));
        var engine = new QueueEngine(store, new QueueEngineOptions(), TimeProvider.System, loggerFactory.CreateLogger("Broker.Engine"), ownsStore: true);
        try
        {
            await engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
            return new EngineDirectoryConnection(engine, directory);
        }
        catch
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default) => _management.GetStatusAsync(cancellationToken);

    public ValueTask<ChannelOverview> ListChannelsAsync(CancellationToken cancellationToken = default) => _management.ListChannelsAsync(cancellationToken);

    public ValueTask<ChannelSummary?> GetChannelAsync(string channel, CancellationToken cancellationToken = default) => _management.GetChannelAsync(channel, cancellationToken);

    public ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) => _management.PeekAsync(channel, afterId, limit, cancellationToken);

    public ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) => _management.ListDeadLettersAsync(channel, afterId, limit, cancellationToken);

    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) => _management.GetDeadLetterAsync(channel, id, cancellationToken);

    public ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) => _management.RedriveDeadLetterAsync(channel, id, cancellationToken);

    public ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) => _management.DeleteDeadLetterAsync(channel, id, cancellationToken);

    public ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default) => _management.PurgeAsync(channel, cancellationToken);

    public ValueTask DisposeAsync() => _engine.DisposeAsync();
}

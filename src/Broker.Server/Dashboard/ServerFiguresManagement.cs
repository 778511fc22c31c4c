using Broker.Management;
using Broker.Transport;

namespace Broker.Server.Dashboard;

/// <summary>
/// The engine's management API with the server's own figures added to its status (version, connections served), for
/// the dashboard's status line. Everything else goes to the engine as it is.
/// </summary>
internal sealed class ServerFiguresManagement(IBrokerManagement engine, string version, Func<int> connections) : IBrokerManagement
{
    public async ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        await engine.GetStatusAsync(cancellationToken).ConfigureAwait(false) with { Version = version, Connections = connections() };

    public ValueTask<ChannelOverview> ListChannelsAsync(CancellationToken cancellationToken = default) => engine.ListChannelsAsync(cancellationToken);

    public ValueTask<ChannelSummary?> GetChannelAsync(string channel, CancellationToken cancellationToken = default) => engine.GetChannelAsync(channel, cancellationToken);

    public ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) => engine.PeekAsync(channel, afterId, limit, cancellationToken);

    public ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) => engine.ListDeadLettersAsync(channel, afterId, limit, cancellationToken);

    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) => engine.GetDeadLetterAsync(channel, id, cancellationToken);

    public ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) => engine.RedriveDeadLetterAsync(channel, id, cancellationToken);

    public ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) => engine.DeleteDeadLetterAsync(channel, id, cancellationToken);

    public ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default) => engine.PurgeAsync(channel, cancellationToken);
}

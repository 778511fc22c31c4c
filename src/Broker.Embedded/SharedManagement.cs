using Broker.Management;
using Broker.Transport;

namespace Broker.Embedded;

/// <summary>
/// The management API of a shared directory: answered by whichever side this process is on once it knows (the engine
/// when it hosts, the host's server over the socket when it is a client).
/// </summary>
internal sealed class SharedManagement(Func<CancellationToken, Task<IBrokerManagement>> current) : IBrokerManagement
{
    public async ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        await (await current(cancellationToken).ConfigureAwait(false)).GetStatusAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask<ChannelOverview> ListChannelsAsync(CancellationToken cancellationToken = default) =>
        await (await current(cancellationToken).ConfigureAwait(false)).ListChannelsAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask<ChannelSummary?> GetChannelAsync(string channel, CancellationToken cancellationToken = default) =>
        await (await current(cancellationToken).ConfigureAwait(false)).GetChannelAsync(channel, cancellationToken).ConfigureAwait(false);

    public async ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) =>
        await (await current(cancellationToken).ConfigureAwait(false)).PeekAsync(channel, afterId, limit, cancellationToken).ConfigureAwait(false);

    public async ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) =>
        await (await current(cancellationToken).ConfigureAwait(false)).ListDeadLettersAsync(channel, afterId, limit, cancellationToken).ConfigureAwait(false);

    public async ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) =>
        await (await current(cancellationToken).ConfigureAwait(false)).GetDeadLetterAsync(channel, id, cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) =>
        await (await current(cancellationToken).ConfigureAwait(false)).RedriveDeadLetterAsync(channel, id, cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) =>
        await (await current(cancellationToken).ConfigureAwait(false)).DeleteDeadLetterAsync(channel, id, cancellationToken).ConfigureAwait(false);

    public async ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default) =>
        await (await current(cancellationToken).ConfigureAwait(false)).PurgeAsync(channel, cancellationToken).ConfigureAwait(false);
}

using Broker.Management;

namespace Broker.Dashboard.Tests.Infrastructure;

/// <summary>
/// A read-only view of a real broker, as an embedded directory another process holds is: its status says so and every
/// change throws <see cref="ManagementReadOnlyException"/>; reading goes to the broker.
/// </summary>
public sealed class ReadOnlyView(IBrokerManagement broker) : IBrokerManagement
{
    public const string Reason = "Another process holds the data directory.";

    private int _changesAttempted;

    /// <summary>Changes asked for and refused.</summary>
    public int ChangesAttempted => Volatile.Read(ref _changesAttempted);

    public async ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        await broker.GetStatusAsync(cancellationToken) with { ReadOnly = true, ReadOnlyReason = Reason };

    public ValueTask<ChannelOverview> ListChannelsAsync(CancellationToken cancellationToken = default) => broker.ListChannelsAsync(cancellationToken);

    public ValueTask<ChannelSummary?> GetChannelAsync(string channel, CancellationToken cancellationToken = default) => broker.GetChannelAsync(channel, cancellationToken);

    public ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) => broker.PeekAsync(channel, afterId, limit, cancellationToken);

    public ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) => broker.ListDeadLettersAsync(channel, afterId, limit, cancellationToken);

    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) => broker.GetDeadLetterAsync(channel, id, cancellationToken);

    public ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) => Refuse<bool>();

    public ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) => Refuse<bool>();

    public ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default) => Refuse<long>();

    private ValueTask<T> Refuse<T>()
    {
        Interlocked.Increment(ref _changesAttempted);
        throw new ManagementReadOnlyException(Reason + " Stop it, or use its server.");
    }
}

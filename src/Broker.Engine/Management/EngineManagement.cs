using Broker.Management;
using Broker.Transport;

namespace Broker.Engine.Management;

/// <summary>
/// The management API over a <see cref="QueueEngine"/> in this process: what the in-memory and embedded brokers, and
/// <c>broker-server</c> for its protocol and dashboard, answer with.
/// </summary>
public sealed class EngineManagement : IBrokerManagement
{
    private readonly QueueEngine _engine;
    private readonly BrokerKind _kind;
    private readonly string _description;
    private readonly DateTimeOffset _startedAt;

    /// <summary>Creates the management API of <paramref name="engine"/>.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="kind">What kind of broker the engine is.</param>
    /// <param name="description">Which one, for people: the data directory, or "in-memory".</param>
    public EngineManagement(QueueEngine engine, BrokerKind kind, string description)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(description);
        _engine = engine;
        _kind = kind;
        _description = description;
        _startedAt = engine.TimeProvider.GetUtcNow();
    }

    /// <inheritdoc />
    public async ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var overview = await ListChannelsAsync(cancellationToken).ConfigureAwait(false);
        return new BrokerStatus(_kind, _description, ReadOnly: false, overview.TakenAt, _startedAt, overview.Channels.Count,
            overview.Channels.Sum(c => c.Produced), overview.Channels.Sum(c => c.Completed));
    }

    /// <inheritdoc />
    public async ValueTask<ChannelOverview> ListChannelsAsync(CancellationToken cancellationToken = default)
    {
        await _engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
        var names = _engine.Channels.Order(StringComparer.Ordinal).ToArray();
        var summaries = new List<ChannelSummary>(names.Length);
        foreach (var name in names)
            summaries.Add(Summarize(_engine.GetStats(name)));
        return new ChannelOverview(_engine.TimeProvider.GetUtcNow(), summaries);
    }

    /// <inheritdoc />
    public async ValueTask<ChannelSummary?> GetChannelAsync(string channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await _engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
        return _engine.Holds(channel) ? Summarize(_engine.GetStats(channel)) : null;
    }

    /// <inheritdoc />
    public ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("UNFINISHED: peek lands with the engine's management work.");

    /// <inheritdoc />
    public async ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        var page = await _engine.ListDeadLettersAsync(channel, afterId, limit, long.MaxValue, cancellationToken).ConfigureAwait(false);
        return new DeadLetterListing(page.Entries, page.More);
    }

    /// <inheritdoc />
    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) =>
        _engine.GetDeadLetterAsync(channel, id, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) =>
        _engine.RedriveDeadLetterAsync(channel, id, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) =>
        _engine.DeleteDeadLetterAsync(channel, id, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("UNFINISHED: purge lands with the engine's management work.");

    // UNFINISHED: Produced, Completed and OldestProducedAt land with the engine's management work.
    private static ChannelSummary Summarize(ChannelStats stats) =>
        new(stats.Channel, stats.Ready, stats.Delayed, stats.Leased, stats.DeadLettered, Produced: 0, Completed: 0, OldestProducedAt: null, stats.Subscriptions, stats.LastId);
}

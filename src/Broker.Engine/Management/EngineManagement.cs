using Broker.Management;
using Broker.Transport;

namespace Broker.Engine.Management;

/// <summary>
/// The management API over a <see cref="QueueEngine"/> in this process: what the in-memory and embedded brokers, and
/// <c>broker-server</c> for its protocol and dashboard, answer with.
/// </summary>
/// <remarks>
/// Pages are bounded twice: at most <see cref="MaxPageLimit"/> entries whatever the caller asks, and about
/// <see cref="PageBytes"/> of payloads (the first entry always, whatever its size), so a page of large messages never
/// copies more than a reply can reasonably carry.
/// </remarks>
public sealed class EngineManagement : IBrokerManagement
{
    /// <summary>The most entries a page of peeked messages or dead letters holds; a larger limit is lowered to it.</summary>
    public const int MaxPageLimit = 1_000;

    /// <summary>The stored bytes (headers and payloads) a page holds before it stops and says more follow: 4 MiB.</summary>
    public const long PageBytes = 4 * 1024 * 1024;

    private readonly QueueEngine _engine;
    private readonly BrokerKind _kind;
    private readonly string _description;
    private readonly DateTimeOffset _startedAt;
    private readonly Func<LogStatus?>? _logStatus;

    /// <summary>Creates the management API of <paramref name="engine"/>.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="kind">What kind of broker the engine is.</param>
    /// <param name="description">Which one, for people: the data directory, or "in-memory".</param>
    public EngineManagement(QueueEngine engine, BrokerKind kind, string description)
        : this(engine, kind, description, logStatus: null)
    {
    }

    /// <summary>Creates the management API of <paramref name="engine"/>, with its durable log's figures.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="kind">What kind of broker the engine is.</param>
    /// <param name="description">Which one, for people: the data directory, or "in-memory".</param>
    /// <param name="logStatus">Reads the log's figures for <see cref="BrokerStatus.Log"/> at each status; null (or a null answer) for none.</param>
    public EngineManagement(QueueEngine engine, BrokerKind kind, string description, Func<LogStatus?>? logStatus)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(description);
        _engine = engine;
        _kind = kind;
        _description = description;
        _logStatus = logStatus;
        _startedAt = engine.TimeProvider.GetUtcNow();
    }

    /// <inheritdoc />
    public async ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await _engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
        var totals = _engine.GetTotals();
        return new BrokerStatus(_kind, _description, ReadOnly: false, _engine.TimeProvider.GetUtcNow(), _startedAt, _engine.ChannelCount, totals.Produced, totals.Completed)
        {
            Log = _logStatus?.Invoke(),
        };
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
        CheckChannel(channel);
        await _engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
        return _engine.Holds(channel) ? Summarize(_engine.GetStats(channel)) : null;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The channel name is empty or breaks <see cref="ChannelNameRules"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterId"/> is negative or <paramref name="limit"/> is less than 1.</exception>
    public ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        CheckPage(channel, afterId, limit);
        return _engine.PeekAsync(channel, afterId, Math.Min(limit, MaxPageLimit), PageBytes, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The channel name is empty or breaks <see cref="ChannelNameRules"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterId"/> is negative or <paramref name="limit"/> is less than 1.</exception>
    public async ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        CheckPage(channel, afterId, limit);
        limit = Math.Min(limit, MaxPageLimit);
        // One more than asked, to tell whether more follow by count (the engine says so only for the byte budget).
        var page = await _engine.ListDeadLettersAsync(channel, afterId, limit + 1, PageBytes, cancellationToken).ConfigureAwait(false);
        return page.Entries.Count > limit
            ? new DeadLetterListing([.. page.Entries.Take(limit)], More: true)
            : new DeadLetterListing(page.Entries, page.More);
    }

    /// <inheritdoc />
    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        return _engine.GetDeadLetterAsync(channel, id, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        return _engine.RedriveDeadLetterAsync(channel, id, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        return _engine.DeleteDeadLetterAsync(channel, id, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        return _engine.PurgeAsync(channel, cancellationToken);
    }

    private static ChannelSummary Summarize(ChannelStats stats) =>
        new(stats.Channel, stats.Ready, stats.Delayed, stats.Leased, stats.DeadLettered, stats.Produced, stats.Completed, stats.OldestProducedAt, stats.Subscriptions, stats.LastId);

    /// <summary>A name no channel can have is a mistake to report, not a channel that happens to be empty.</summary>
    private static void CheckChannel(string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (!ChannelNameRules.IsValid(channel, out var error))
            throw new ArgumentException(error, nameof(channel));
    }

    private static void CheckPage(string channel, long afterId, int limit)
    {
        CheckChannel(channel);
        if (afterId < 0)
            throw new ArgumentOutOfRangeException(nameof(afterId), afterId, "afterId must be 0 or more: 0 for the first page, then the last id of the page before.");
        if (limit < 1)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be at least 1.");
    }
}

using Broker.Engine.Management;
using Broker.Management;
using Broker.Transport;

namespace Broker.Server.Network;

/// <summary>
/// The server's management API: its engine's (<see cref="EngineManagement"/>) with what only the server knows added to
/// the status (its address, data directory, version and connections), and a page of channels by name for the
/// ListChannels frame. What the protocol's management frames and the server's dashboard answer with.
/// </summary>
internal sealed class BrokerServerManagement : IBrokerManagement
{
    private readonly BrokerServer _server;
    private readonly EngineManagement _engine;

    public BrokerServerManagement(BrokerServer server)
    {
        _server = server;
        _engine = new EngineManagement(server.Engine, BrokerKind.Server, Path.GetFullPath(server.Options.DataDirectory));
    }

    /// <summary>The server's address (the bound one, once listening) and its data directory, for people.</summary>
    public string Description =>
        $"{_server.ListeningOn}, data {Path.GetFullPath(_server.Options.DataDirectory)}";

    /// <inheritdoc />
    public async ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var status = await _engine.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return status with
        {
            Description = Description,
            Version = BrokerServer.Version,
            Connections = _server.ConnectionCount,
            // Log comes from the engine's management, which reads it from the engine's LogQueueStore.
        };
    }

    /// <inheritdoc />
    public ValueTask<ChannelOverview> ListChannelsAsync(CancellationToken cancellationToken = default) =>
        _engine.ListChannelsAsync(cancellationToken);

    /// <summary>
    /// The channels named after <paramref name="afterName"/> (ordinal order), as many as <paramref name="limit"/> and the
    /// row budget allow: only the rows that fit are summarised, so a page costs its rows, not every channel's counts.
    /// </summary>
    /// <param name="afterName">Only names after this one; null for the first page.</param>
    /// <param name="limit">At most this many rows, at least 1.</param>
    /// <param name="rowBudget">What the rows may cost together (<see cref="Protocol.Messages.ChannelsReply.RowCost"/>); at least one row is taken.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async ValueTask<ChannelPage> ListChannelPageAsync(string? afterName, int limit, long rowBudget, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await _server.Engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
        var takenAt = _server.Engine.TimeProvider.GetUtcNow();
        var names = new List<string>();
        foreach (var name in _server.Engine.Channels)
        {
            if (afterName is null || string.CompareOrdinal(name, afterName) > 0)
                names.Add(name);
        }
        names.Sort(StringComparer.Ordinal);

        var rows = new List<ChannelSummary>(Math.Min(names.Count, limit));
        var index = 0;
        for (; index < names.Count && rows.Count < limit; index++)
        {
            var cost = Protocol.Messages.ChannelsReply.RowCost(names[index]);
            if (rows.Count > 0 && cost > rowBudget) break;
            // A channel forgotten since the names were read (it emptied) is left out, as a later listing would.
            if (await _engine.GetChannelAsync(names[index], cancellationToken).ConfigureAwait(false) is not { } row) continue;
            rows.Add(row);
            rowBudget -= cost;
        }
        return new ChannelPage(takenAt, rows, More: index < names.Count);
    }

    /// <summary>
    /// Peeks at most <paramref name="limit"/> messages holding no more than <paramref name="budget"/> bytes of payloads
    /// and headers (the first message whatever its size), so a server answering with one frame never copies more than
    /// that frame carries.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="afterId">Only ids greater than this.</param>
    /// <param name="limit">At most this many, at least 1.</param>
    /// <param name="budget">Bytes of payloads and headers to stop at (<see cref="Protocol.Messages.PeekedReply.PayloadBudget"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The messages, and whether more follow the last one.</returns>
    public ValueTask<MessagePage> PeekWithinAsync(string channel, long afterId, int limit, long budget, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // Each message also costs its reply entry's overhead, which the engine's byte budget does not count: ask for no
        // more messages than the frame has room for entries.
        limit = (int)Math.Clamp(budget / Protocol.Messages.PeekedReply.EntryOverhead, 1, limit);
        return _server.Engine.PeekAsync(channel, afterId, limit, budget, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<ChannelSummary?> GetChannelAsync(string channel, CancellationToken cancellationToken = default) =>
        _engine.GetChannelAsync(channel, cancellationToken);

    /// <inheritdoc />
    public ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) =>
        _engine.PeekAsync(channel, afterId, limit, cancellationToken);

    /// <inheritdoc />
    public ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) =>
        _engine.ListDeadLettersAsync(channel, afterId, limit, cancellationToken);

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
        _engine.PurgeAsync(channel, cancellationToken);
}

/// <summary>A page of channels in name order.</summary>
/// <param name="TakenAt">When the page was read.</param>
/// <param name="Rows">The channels' counts.</param>
/// <param name="More">Whether channels named after the last row follow.</param>
internal sealed record ChannelPage(DateTimeOffset TakenAt, IReadOnlyList<ChannelSummary> Rows, bool More);

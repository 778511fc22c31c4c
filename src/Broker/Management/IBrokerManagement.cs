using Broker.Transport;

namespace Broker.Management;

/// <summary>
/// What an operator needs from a broker, shared by the <c>broker</c> command line, the web dashboard and tests: every
/// channel's counts, a look at its messages, its dead letters and what can be done with them, and the broker's own
/// figures. The in-memory and embedded brokers answer from their engine in this process; the server client asks the
/// server. Thread-safe.
/// </summary>
/// <remarks>
/// Reading never changes delivery state: <see cref="PeekAsync"/> copies messages without leasing them, counting a
/// delivery or moving them. The calls that change state (<see cref="RedriveDeadLetterAsync"/>,
/// <see cref="DeleteDeadLetterAsync"/>, <see cref="PurgeAsync"/>) are as durable as a produce on the same broker, and
/// throw <see cref="ManagementReadOnlyException"/> on a read-only view (an embedded directory another process holds).
/// </remarks>
public interface IBrokerManagement
{
    /// <summary>The broker's own figures: what it is, its channels and totals, and what only a server or a log can tell.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A snapshot.</returns>
    ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Every channel the broker holds, with its counts, in name order.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A snapshot taken at one instant (<see cref="ChannelOverview.TakenAt"/>); two of them give rates.</returns>
    ValueTask<ChannelOverview> ListChannelsAsync(CancellationToken cancellationToken = default);

    /// <summary>One channel's counts.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The counts, or null when the broker holds no channel of that name.</returns>
    ValueTask<ChannelSummary?> GetChannelAsync(string channel, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies a channel's unfinished messages (ready, delayed and in flight) in id order, without consuming them: no
    /// lease is taken, no delivery counted, nothing moves.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="afterId">Only ids greater than this (0 for the first page).</param>
    /// <param name="limit">At most this many, at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The messages, and whether more follow (by count or because the page reached its byte budget).</returns>
    ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Lists a channel's dead letters in id order.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="afterId">Only ids greater than this (0 for the first page).</param>
    /// <param name="limit">At most this many, at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead letters, and whether more follow.</returns>
    ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Gets one dead letter.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead letter, or null when the channel has none with that id.</returns>
    ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default);

    /// <summary>Moves a dead letter back onto its channel with a fresh attempt budget, deliverable at once.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels waiting; the re-drive may still have happened.</param>
    /// <returns>False when the channel has no dead letter with that id.</returns>
    /// <exception cref="ManagementReadOnlyException">This view cannot change the broker.</exception>
    ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default);

    /// <summary>Deletes a dead letter for good.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels waiting; the delete may still have happened.</param>
    /// <returns>False when the channel has no dead letter with that id.</returns>
    /// <exception cref="ManagementReadOnlyException">This view cannot change the broker.</exception>
    ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every ready and delayed message of a channel for good. Messages in flight are left to their handlers
    /// (they complete, retry or dead-letter as usual); dead letters and deduplication keys are kept.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="cancellationToken">Cancels waiting; the purge may still have happened.</param>
    /// <returns>How many messages were removed.</returns>
    /// <exception cref="ManagementReadOnlyException">This view cannot change the broker.</exception>
    ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default);
}

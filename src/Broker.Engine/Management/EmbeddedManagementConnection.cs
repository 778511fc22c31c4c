using Broker.Management;
using Broker.Transport;

namespace Broker.Engine.Management;

/// <summary>
/// A data directory opened by <see cref="EmbeddedManagement.OpenAsync"/>: the engine's management API and, for a snapshot of a directory another process holds, read-only: the status says so
/// and why, and every call that would change the broker throws <see cref="ManagementReadOnlyException"/> with that
/// text. Disposing it closes the engine and the log (releasing the directory when this process held it).
/// </summary>
internal sealed class EmbeddedManagementConnection : IBrokerManagementConnection
{
    private readonly QueueEngine _engine;
    private readonly IBrokerManagement _inner;
    private readonly string? _readOnlyReason;

    /// <param name="engine">The engine over the log or its snapshot, owning it.</param>
    /// <param name="inner">The engine's management API.</param>
    /// <param name="readOnlyReason">Why the connection is read-only; null when this process holds the directory.</param>
    public EmbeddedManagementConnection(QueueEngine engine, IBrokerManagement inner, string? readOnlyReason)
    {
        _engine = engine;
        _inner = inner;
        _readOnlyReason = readOnlyReason;
    }

    /// <inheritdoc />
    public async ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var status = await _inner.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return _readOnlyReason is null ? status : status with { ReadOnly = true, ReadOnlyReason = _readOnlyReason };
    }

    /// <inheritdoc />
    public ValueTask<ChannelOverview> ListChannelsAsync(CancellationToken cancellationToken = default) =>
        _inner.ListChannelsAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<ChannelSummary?> GetChannelAsync(string channel, CancellationToken cancellationToken = default) =>
        _inner.GetChannelAsync(channel, cancellationToken);

    /// <inheritdoc />
    public ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) =>
        _inner.PeekAsync(channel, afterId, limit, cancellationToken);

    /// <inheritdoc />
    public ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default) =>
        _inner.ListDeadLettersAsync(channel, afterId, limit, cancellationToken);

    /// <inheritdoc />
    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default) =>
        _inner.GetDeadLetterAsync(channel, id, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly();
        return _inner.RedriveDeadLetterAsync(channel, id, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly();
        return _inner.DeleteDeadLetterAsync(channel, id, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly();
        return _inner.PurgeAsync(channel, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private void ThrowIfReadOnly()
    {
        if (_readOnlyReason is not null)
            throw new ManagementReadOnlyException(_readOnlyReason);
    }
}

namespace Broker.Management;

/// <summary>What kind of broker answers the management API.</summary>
public enum BrokerKind
{
    /// <summary>The in-memory broker of one process.</summary>
    InMemory,

    /// <summary>The embedded durable broker: a data directory opened by one process.</summary>
    Embedded,

    /// <summary>A <c>broker-server</c>.</summary>
    Server,
}

/// <summary>A broker's own figures at one instant.</summary>
/// <param name="Kind">What kind of broker it is.</param>
/// <param name="Description">Which one: the data directory, the server's address and version, or "in-memory".</param>
/// <param name="ReadOnly">True for a view that cannot change the broker (an embedded directory another process holds); why is in <see cref="ReadOnlyReason"/>.</param>
/// <param name="TakenAt">When the figures were read, by the broker's clock.</param>
/// <param name="StartedAt">When the broker started (its counters count from then).</param>
/// <param name="Channels">Channels held.</param>
/// <param name="Produced">Messages accepted on all channels since the broker started; with a later status, a rate.</param>
/// <param name="Completed">Messages completed by workers on all channels since the broker started.</param>
public sealed record BrokerStatus(BrokerKind Kind, string Description, bool ReadOnly, DateTimeOffset TakenAt, DateTimeOffset StartedAt, int Channels, long Produced, long Completed)
{
    /// <summary>Why the view is read-only, for a person; null when it is not.</summary>
    public string? ReadOnlyReason { get; init; }

    /// <summary>The server's version (<c>broker-server 1.2.3</c>); null for a broker in this process.</summary>
    public string? Version { get; init; }

    /// <summary>Connections the server serves now; null for a broker in this process.</summary>
    public int? Connections { get; init; }

    /// <summary>The durable log's figures; null for the in-memory broker.</summary>
    public LogStatus? Log { get; init; }
}

/// <summary>The durable log's figures.</summary>
/// <param name="Bytes">Bytes of its segment files on disk.</param>
/// <param name="Segments">Segment files.</param>
/// <param name="Fsyncs">Group commits fsync'd since the log was opened.</param>
/// <param name="FsyncMeanMilliseconds">The mean fsync time over the recent commits (up to the last 1,024); 0 before the first.</param>
/// <param name="FsyncMaxMilliseconds">The longest fsync over the same recent commits.</param>
public sealed record LogStatus(long Bytes, int Segments, long Fsyncs, double FsyncMeanMilliseconds, double FsyncMaxMilliseconds);

using Broker.Engine;
using Broker.Engine.Storage.Log;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Settings of <c>UseEmbedded(path)</c>: the queue engine runs in the process over a durable log in a directory.</summary>
public sealed class EmbeddedBrokerOptions
{
    /// <summary>
    /// When a produce or settle counts as stored: <see cref="DurabilityMode.Fsync"/> (default; nothing acknowledged is
    /// lost, even on power loss) or <see cref="DurabilityMode.Buffered"/> (no fsync; survives a crash of the process but
    /// not of the machine: the last seconds of writes can be lost).
    /// </summary>
    public DurabilityMode Durability { get; set; } = DurabilityMode.Fsync;

    /// <summary>The size of a log segment file in bytes. Default 64 MiB.</summary>
    public long SegmentBytes { get; set; } = LogStoreOptions.DefaultSegmentBytes;

    /// <summary>Below this live fraction the oldest segment is rewritten and deleted. Default 0.5.</summary>
    public double CompactionThreshold { get; set; } = 0.5;

    /// <summary>
    /// Open a directory with a damaged segment by moving that segment aside (its messages are lost, and logged) instead
    /// of refusing to start. Default false: a damaged directory stops the start with an error naming segment and offset.
    /// </summary>
    public bool QuarantineCorruptSegments { get; set; }

    /// <summary>The largest payload accepted, in bytes. Default 1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = QueueEngineOptions.DefaultMaxMessageBytes;

    internal LogStoreOptions ToLogOptions() => new()
    {
        Durability = Durability,
        SegmentBytes = SegmentBytes,
        CompactionThreshold = CompactionThreshold,
        QuarantineCorruptSegments = QuarantineCorruptSegments,
    };
}

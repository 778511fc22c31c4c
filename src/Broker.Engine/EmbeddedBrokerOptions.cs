using Broker.Engine;
using Broker.Engine.Storage.Log;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Settings of <c>UseEmbedded(path)</c>: the queue engine runs in the process over a durable log in a directory.</summary>
public sealed class EmbeddedBrokerOptions
{
    /// <summary>
    /// The data directory, created if missing; relative paths are resolved against the current directory. Set by
    /// <c>UseEmbedded(path)</c>, or by configuration (<c>Broker:Embedded:Path</c>) for <c>UseEmbedded()</c>.
    /// </summary>
    public string? Path { get; set; }

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
    /// Open a directory that lost acknowledged data (a segment file missing, cut short or damaged) instead of refusing to
    /// start: the loss is logged at error level, damaged files are moved aside and ids never repeat. Default false: such a
    /// directory stops the start with a <see cref="Broker.Engine.Storage.Log.LogDataLossException"/> naming the files and the ids they held.
    /// </summary>
    public bool AcceptDataLoss { get; set; }

    /// <summary>
    /// Let other processes on this machine use the same directory at once (default true): the process that holds the
    /// directory's lock hosts the log and serves the others over a Unix domain socket in the directory
    /// (<c>broker.sock</c>), and when it exits another takes over. False: this process uses the directory alone, and
    /// another process that opens it gets an <see cref="IOException"/> naming the holder.
    /// </summary>
    public bool Shared { get; set; } = true;

    /// <summary>
    /// The name of the Unix domain socket the process hosting a shared directory serves in it: what the other processes,
    /// and the <c>broker</c> command line, connect to.
    /// </summary>
    public const string SocketFileName = "broker.sock";

    /// <summary>The largest payload accepted, in bytes. Default 1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = QueueEngineOptions.DefaultMaxMessageBytes;

    /// <summary>The most channels held at once; see <see cref="QueueEngineOptions.MaxChannels"/>. Default 100,000.</summary>
    public int MaxChannels { get; set; } = QueueEngineOptions.DefaultMaxChannels;

    /// <summary>Checks the values, naming the first invalid one (its parameter name is the property's).</summary>
    /// <exception cref="ArgumentException">A value is invalid.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
            throw new ArgumentException("UseEmbedded needs a data directory: pass it (UseEmbedded(\"./broker-data\")) or set it in configuration (Broker:Embedded:Path).", nameof(Path));
        ToEngineOptions().Validate();
        ToLogOptions().Validate();
    }

    internal QueueEngineOptions ToEngineOptions() => new() { MaxMessageBytes = MaxMessageBytes, MaxChannels = MaxChannels };

    internal LogStoreOptions ToLogOptions() => new()
    {
        Durability = Durability,
        SegmentBytes = SegmentBytes,
        CompactionThreshold = CompactionThreshold,
        AcceptDataLoss = AcceptDataLoss,
    };
}

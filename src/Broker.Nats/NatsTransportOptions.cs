using NATS.Client.Core;

namespace Broker.Nats;

/// <summary>
/// Settings of the NATS JetStream adapter (<c>UseNats(...)</c>). The defaults suit one nats-server on this machine; a
/// cluster sets <see cref="Url"/> to its servers and <see cref="Replicas"/> to 3.
/// </summary>
public sealed class NatsTransportOptions
{
    /// <summary>The servers, comma-separated, e.g. <c>nats://10.0.0.1:4222,nats://10.0.0.2:4222</c>. Default <c>nats://127.0.0.1:4222</c>.</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// Connection settings beyond the URL (credentials, TLS, a logger factory). Its <see cref="NatsOpts.Url"/> is
    /// replaced by <see cref="Url"/>. Null: NATS.Net's defaults.
    /// </summary>
    public NatsOpts? Connection { get; set; }

    /// <summary>
    /// The first part of every stream name and subject this adapter creates, so several applications (or tests) can
    /// share a server. ASCII letters and digits, 1 to 32 characters. Default <c>BROKER</c>.
    /// </summary>
    public string Prefix { get; set; } = "BROKER";

    /// <summary>Copies of each stream in a cluster: 1 (single server), 3 or 5. Default 1.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// The consumers' ack wait: how long the server waits for a worker it no longer hears from (a killed process, a
    /// lost connection, a frozen machine) before it gives the message to another worker. Live workers keep each
    /// delivery alive with in-progress acks (about every third of it) for as long as its own lease
    /// (<see cref="ConsumeOptions.LeaseDuration"/>) is renewed, so this bounds crash detection: with the defaults a
    /// killed worker's message reaches another worker within 5 seconds (this, plus an idle worker's
    /// <see cref="PollInterval"/>). The price of a short one: a worker that cannot reach the server for longer than
    /// about two thirds of it (a long GC pause, a network partition, a leader election in a cluster) loses its
    /// deliveries to other workers, and its own late settles are refused (<c>LeaseLost</c>); see docs/nats.md,
    /// "Leases and fencing". Default 3 seconds; at least 1 second.
    /// </summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How often an idle subscription looks for messages that became deliverable again without a new publish (a retry
    /// whose backoff ended, a message another worker lost). New messages wake subscriptions at once. Default 1 second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a produce keeps retrying while the cluster has no stream leader (an election after a server died) or
    /// the connection is re-established. Retries reuse the message's <c>Nats-Msg-Id</c>, so they never duplicate.
    /// Default 30 seconds.
    /// </summary>
    public TimeSpan ProduceRetryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the deduplication ledger keeps a key: at least the longest deduplication window any produce call
    /// uses. A produce call asking for a longer window is refused. Default 7 days, <see cref="DedupWindow.Max"/> (the channel's own window is always
    /// covered, even when longer).
    /// </summary>
    public TimeSpan MaxDedupWindow { get; set; } = DedupWindow.Max;

    /// <summary>
    /// The lowest and highest priority a message may have. Each priority in use costs a subject and a consumer, so
    /// the range is bounded; a produce call outside it is refused. Default -100 to 100.
    /// </summary>
    public int MinPriority { get; set; } = -100;

    /// <inheritdoc cref="MinPriority"/>
    public int MaxPriority { get; set; } = 100;

    /// <summary>Largest BSON payload accepted, in bytes. Default 1 MiB, further bounded by the server's <c>max_payload</c>.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many partitions an ordered channel's keyed messages are spread over (see docs/nats.md, "Ordering by key"):
    /// messages whose keys fall in one partition are handled one at a time, so more partitions let more keys run in
    /// parallel, at the cost of one consumer per partition in use. It must be the same in every process: the first
    /// process to open an ordered channel records it on the server, and a process with another count is refused.
    /// Default 32; 1 to 1024.
    /// </summary>
    public int OrderedPartitions { get; set; } = 32;

    /// <summary>Checks the values, naming the first invalid one.</summary>
    /// <exception cref="ArgumentException">A value is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Url))
            throw new ArgumentException("NatsTransportOptions.Url is empty; set it to the server, e.g. nats://127.0.0.1:4222.", nameof(Url));
        if (string.IsNullOrEmpty(Prefix) || Prefix.Length > 32 || !Prefix.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException($"NatsTransportOptions.Prefix '{Prefix}' must be 1 to 32 ASCII letters or digits.", nameof(Prefix));
        if (Replicas is < 1 or > 5)
            throw new ArgumentOutOfRangeException(nameof(Replicas), Replicas, "NatsTransportOptions.Replicas must be between 1 and 5.");
        if (AckWait < TimeSpan.FromSeconds(1))
            throw new ArgumentOutOfRangeException(nameof(AckWait), AckWait, "NatsTransportOptions.AckWait must be at least 1 second.");
        if (PollInterval < TimeSpan.FromMilliseconds(10))
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "NatsTransportOptions.PollInterval must be at least 10 ms.");
        if (ProduceRetryTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ProduceRetryTimeout), ProduceRetryTimeout, "NatsTransportOptions.ProduceRetryTimeout must not be negative.");
        if (MaxDedupWindow < TimeSpan.FromSeconds(1))
            throw new ArgumentOutOfRangeException(nameof(MaxDedupWindow), MaxDedupWindow, "NatsTransportOptions.MaxDedupWindow must be at least 1 second.");
        if (MinPriority > MaxPriority)
            throw new ArgumentOutOfRangeException(nameof(MinPriority), MinPriority, "NatsTransportOptions.MinPriority must not exceed MaxPriority.");
        if (OrderedPartitions is < 1 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(OrderedPartitions), OrderedPartitions, "NatsTransportOptions.OrderedPartitions must be between 1 and 1024.");
        if (MaxMessageBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, "NatsTransportOptions.MaxMessageBytes must be positive.");
    }
}

namespace Broker;

/// <summary>
/// Everything a broker needs to know about a channel: its name and its delivery policy. The source generator creates
/// one per <c>[Channel]</c> interface from the attribute's values; adapters receive it with every produce and subscribe.
/// </summary>
public sealed class ChannelDefinition : IEquatable<ChannelDefinition>
{
    /// <summary>Deliveries a message gets before it is dead-lettered, unless the channel says otherwise.</summary>
    public const int DefaultMaxAttempts = 5;

    /// <summary>The deduplication window of an ExactlyOnce channel that does not set one (Deepkit's default).</summary>
    public static readonly TimeSpan DefaultDedupInterval = TimeSpan.FromMinutes(5);

    /// <summary>The delay before the first retry of a failed message, unless the channel says otherwise.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two retries; exponential backoff stops growing here.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>Creates a definition, validating every value.</summary>
    /// <param name="name">The channel name; see <see cref="ChannelNameRules"/>.</param>
    /// <param name="process">The deduplication mode.</param>
    /// <param name="dedupInterval">
    /// The deduplication window of an ExactlyOnce channel; null means <see cref="DefaultDedupInterval"/>. Must be null
    /// for an AtLeastOnce channel.
    /// </param>
    /// <param name="maxAttempts">Deliveries before dead-lettering, at least 1.</param>
    /// <param name="retryDelay">Delay before the first retry; null means <see cref="DefaultRetryDelay"/>.</param>
    /// <param name="ordered">
    /// Whether the channel's messages may carry ordering keys (<see cref="ProduceOptions.OrderingKey"/>,
    /// <see cref="ChannelAttribute.OrderBy"/>); see <see cref="Ordered"/>.
    /// </param>
    /// <exception cref="ArgumentException">A value is invalid; the message names it.</exception>
    public ChannelDefinition(
        string name,
        QueueMessageProcessing process = QueueMessageProcessing.AtLeastOnce,
        TimeSpan? dedupInterval = null,
        int maxAttempts = DefaultMaxAttempts,
        TimeSpan? retryDelay = null,
        bool ordered = false)
    {
        if (!ChannelNameRules.IsValid(name, out var nameError))
            throw new ArgumentException(nameError, nameof(name));
        if (process is not (QueueMessageProcessing.ExactlyOnce or QueueMessageProcessing.AtLeastOnce))
            throw new ArgumentOutOfRangeException(nameof(process), process, "Unknown QueueMessageProcessing value.");
        if (process == QueueMessageProcessing.AtLeastOnce && dedupInterval is not null)
            throw new ArgumentException($"Channel '{name}' is AtLeastOnce, so a deduplication interval has no effect; use ExactlyOnce or remove it.", nameof(dedupInterval));
        if (dedupInterval is { } window && (window <= TimeSpan.Zero || window > DedupWindow.Max))
            throw new ArgumentOutOfRangeException(nameof(dedupInterval), window, $"The deduplication interval of channel '{name}' must be greater than zero and at most {DedupWindow.MaxDays} days.");
        if (maxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(maxAttempts), maxAttempts, $"Channel '{name}' must allow at least one delivery attempt.");
        if (retryDelay is { } delay && delay <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(retryDelay), delay, $"The retry delay of channel '{name}' must be greater than zero.");

        Name = name;
        Process = process;
        DedupInterval = process == QueueMessageProcessing.ExactlyOnce ? dedupInterval ?? DefaultDedupInterval : TimeSpan.Zero;
        MaxAttempts = maxAttempts;
        RetryDelay = retryDelay ?? DefaultRetryDelay;
        Ordered = ordered;
    }

    /// <summary>The channel name.</summary>
    public string Name { get; }

    /// <summary>The channel's deduplication mode.</summary>
    public QueueMessageProcessing Process { get; }

    /// <summary>The deduplication window; <see cref="TimeSpan.Zero"/> for AtLeastOnce channels.</summary>
    public TimeSpan DedupInterval { get; }

    /// <summary>Deliveries a message gets before it is dead-lettered.</summary>
    public int MaxAttempts { get; }

    /// <summary>Delay before the first retry; doubled on each further retry up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; }

    /// <summary>
    /// Whether the channel carries ordering keys: messages with the same key are handled one at a time, in production
    /// order, across all workers (<c>docs/ordering.md</c>). A produce with a key on a channel that is not ordered is
    /// refused, so a key is never silently ignored; the NATS adapter sets up its ordered partitions only for such channels.
    /// </summary>
    public bool Ordered { get; }

    /// <summary>The delay before the retry that follows failed delivery number <paramref name="tries"/>.</summary>
    /// <param name="tries">How many deliveries the message has had, at least 1.</param>
    /// <returns>
    /// <see cref="RetryDelay"/> × 2^(tries − 1), capped at <see cref="MaxRetryDelay"/> (or at <see cref="RetryDelay"/>
    /// when that is longer).
    /// </returns>
    public TimeSpan RetryDelayAfter(int tries)
    {
        var cap = RetryDelay > MaxRetryDelay ? RetryDelay : MaxRetryDelay;
        var ticks = RetryDelay.Ticks * Math.Pow(2, Math.Clamp(tries - 1, 0, 30));
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }

    /// <inheritdoc />
    public bool Equals(ChannelDefinition? other) =>
        other is not null && Name == other.Name && Process == other.Process && DedupInterval == other.DedupInterval &&
        MaxAttempts == other.MaxAttempts && RetryDelay == other.RetryDelay && Ordered == other.Ordered;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ChannelDefinition);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Process, DedupInterval, MaxAttempts, RetryDelay, Ordered);

    /// <inheritdoc />
    public override string ToString() =>
        Process == QueueMessageProcessing.ExactlyOnce
            ? $"{Name} (ExactlyOnce, dedup {Interval.Format(DedupInterval)}, {MaxAttempts} attempts, retry after {Interval.Format(RetryDelay)}{(Ordered ? ", ordered by key" : "")})"
            : $"{Name} (AtLeastOnce, {MaxAttempts} attempts, retry after {Interval.Format(RetryDelay)}{(Ordered ? ", ordered by key" : "")})";
}

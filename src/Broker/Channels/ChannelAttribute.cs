namespace Broker;

/// <summary>
/// Declares a typed queue channel. Put it on a <c>partial interface</c> that derives <see cref="IQueueChannel{T}"/>;
/// the Broker source generator implements the interface, generates a BSON codec for the message type and registers
/// the channel with <c>AddChannels()</c>.
/// </summary>
/// <example>
/// <code>
/// [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
/// public partial interface IRegistrationChannel : IQueueChannel&lt;User&gt;;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class ChannelAttribute : Attribute
{
    /// <summary>Declares a channel with the given name.</summary>
    /// <param name="name">The channel name, for example <c>user/registered</c>. See <see cref="ChannelNameRules"/>.</param>
    public ChannelAttribute(string name) => Name = name;

    /// <summary>The channel name shared by producers and workers.</summary>
    public string Name { get; }

    /// <summary>Deduplication mode. Defaults to <see cref="QueueMessageProcessing.AtLeastOnce"/>.</summary>
    public QueueMessageProcessing Process { get; set; } = QueueMessageProcessing.AtLeastOnce;

    /// <summary>
    /// Deduplication window for <see cref="QueueMessageProcessing.ExactlyOnce"/>, in Deepkit's interval grammar
    /// (<c>"1s"</c>, <c>"5m"</c>, <c>"2 minutes"</c>, <c>"1.5h"</c>; a bare number is milliseconds). Defaults to
    /// <c>"5m"</c> for ExactlyOnce channels. Has no effect on AtLeastOnce channels.
    /// </summary>
    public string? Dedup { get; set; }

    /// <summary>
    /// How many deliveries a message gets before it moves to the channel's dead-letter queue. A delivery counts when
    /// its handler throws or its lease is lost (worker crash or hang). Defaults to 5.
    /// </summary>
    public int MaxAttempts { get; set; } = ChannelDefinition.DefaultMaxAttempts;

    /// <summary>
    /// Delay before the first retry of a failed message, in the interval grammar; each further retry doubles it, up to
    /// five minutes. Defaults to <c>"1s"</c>.
    /// </summary>
    public string? RetryDelay { get; set; }

    /// <summary>
    /// Makes the channel ordered by key: messages with the same ordering key are handled one at a time, in production
    /// order, across all workers, while messages with different keys run in parallel. Each produce gives its key in
    /// <see cref="ProduceOptions.OrderingKey"/> (a message without one is unordered). Implied by <see cref="OrderBy"/>.
    /// See <c>docs/ordering.md</c>.
    /// </summary>
    public bool Ordered { get; set; }

    /// <summary>
    /// The message member (property or field, by name: use <c>nameof</c>) whose value is each message's ordering key, which
    /// makes the channel <see cref="Ordered"/>. Its type must be a string, a <see cref="Guid"/>, an integer type or an
    /// enum (nullable allowed: null means no key); the analyzer checks it at compile time. Numbers and enums are written
    /// in invariant culture (an enum as its number), a Guid in its "D" form.
    /// <see cref="ProduceOptions.OrderingKey"/> overrides it for one produce.
    /// </summary>
    /// <example><c>[Channel("orders", OrderBy = nameof(Order.CustomerId))]</c></example>
    public string? OrderBy { get; set; }
}

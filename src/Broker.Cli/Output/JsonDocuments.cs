using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Cli.Output;

// What --json prints, one document per command. The property names are part of the command line's contract
// (docs/cli.md): add, never rename or remove. Times are ISO 8601 with their offset; rates and ages are numbers.

/// <summary><c>broker channels --json</c>.</summary>
internal sealed record ChannelsDocument(string Target, DateTimeOffset TakenAt, double? IntervalSeconds, IReadOnlyList<ChannelDocument> Channels);

/// <summary>One channel of <see cref="ChannelsDocument"/>.</summary>
internal sealed record ChannelDocument(
    string Name,
    long Ready,
    long Delayed,
    long InFlight,
    long DeadLetters,
    long Produced,
    long Completed,
    double? ProducedPerSecond,
    double? CompletedPerSecond,
    DateTimeOffset? OldestProducedAt,
    double? OldestAgeSeconds,
    int Subscriptions,
    long LastId);

/// <summary><c>broker peek --json</c>.</summary>
internal sealed record PeekDocument(string Channel, IReadOnlyList<MessageDocument> Messages, bool More, long? NextAfter);

/// <summary>One message of <see cref="PeekDocument"/>.</summary>
internal sealed record MessageDocument(
    long Id,
    string State,
    int DeliveryCount,
    DateTimeOffset ProducedAt,
    DateTimeOffset? DueAt,
    int Priority,
    IReadOnlyDictionary<string, string> Headers,
    int PayloadBytes,
    JsonElement? Payload);

/// <summary><c>broker dead-letters list --json</c>.</summary>
internal sealed record DeadLetterListDocument(string Channel, IReadOnlyList<DeadLetterSummaryDocument> DeadLetters, bool More, long? NextAfter);

/// <summary>One dead letter of <see cref="DeadLetterListDocument"/>, without its payload.</summary>
internal sealed record DeadLetterSummaryDocument(long Id, int Tries, string? Error, DateTimeOffset ProducedAt, DateTimeOffset DeadLetteredAt, int Priority, int PayloadBytes);

/// <summary><c>broker dead-letters show --json</c>.</summary>
internal sealed record DeadLetterDocument(
    long Id,
    string Channel,
    int Tries,
    string? Error,
    DateTimeOffset ProducedAt,
    DateTimeOffset DeadLetteredAt,
    int Priority,
    IReadOnlyDictionary<string, string> Headers,
    int PayloadBytes,
    JsonElement? Payload);

/// <summary><c>broker dead-letters redrive|delete --json</c>.</summary>
internal sealed record DeadLetterActionDocument(string Channel, string Action, long Selected, long Done, IReadOnlyList<long> NotFound);

/// <summary><c>broker purge --json</c>.</summary>
internal sealed record PurgeDocument(string Channel, long Removed);

/// <summary><c>broker stats --json</c>.</summary>
internal sealed record StatsDocument(
    string Kind,
    string Description,
    string? Version,
    bool ReadOnly,
    string? ReadOnlyReason,
    DateTimeOffset TakenAt,
    DateTimeOffset StartedAt,
    int? Connections,
    int Channels,
    long Produced,
    long Completed,
    double? IntervalSeconds,
    double? ProducedPerSecond,
    double? CompletedPerSecond,
    LogDocument? Log);

/// <summary>The durable log's part of <see cref="StatsDocument"/>.</summary>
internal sealed record LogDocument(long Bytes, int Segments, long Fsyncs, double FsyncMeanMilliseconds, double FsyncMaxMilliseconds);

/// <summary>The serializer of every document: camelCase names, indented, nulls written (a script sees every property).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ChannelsDocument))]
[JsonSerializable(typeof(PeekDocument))]
[JsonSerializable(typeof(DeadLetterListDocument))]
[JsonSerializable(typeof(DeadLetterDocument))]
[JsonSerializable(typeof(DeadLetterActionDocument))]
[JsonSerializable(typeof(PurgeDocument))]
[JsonSerializable(typeof(StatsDocument))]
[JsonSerializable(typeof(string))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

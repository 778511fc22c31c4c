using System.Globalization;
using System.Text;
using Broker.Bson;
using Broker.Engine;

namespace Broker.Testing;

/// <summary>
/// Writes the messages of <see cref="BrokerHarnessException"/>: what was awaited, what was seen on the channel, and what
/// the broker holds now, with a hint when the cause is a usual one (no consumer, a clock that was not advanced).
/// </summary>
internal static class HarnessReport
{
    // Enough to see a retry sequence; a test that produced thousands needs the count, not every line.
    private const int MaxLines = 50;
    private const int MaxLineLength = 300;

    public static string NotSeen<T>(
        HarnessEventKind kind,
        string channel,
        Type? channelType,
        string? predicateText,
        TimeSpan timeout,
        HarnessBroker broker,
        IBsonCodec<T> codec)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Timed out after {Format(timeout)} waiting for a message {Describe(kind)} on channel '{channel}'");
        if (channelType is not null)
            text.Append(CultureInfo.InvariantCulture, $" ({channelType.Name})");
        if (!string.IsNullOrWhiteSpace(predicateText))
            text.Append(" matching ").Append(predicateText);
        text.Append('.').AppendLine();

        var seen = broker.Journal.Snapshot(channel);
        AppendSeen(text, channel, seen, codec, broker.Clock.GetUtcNow());
        var stats = broker.Engine.GetStats(channel);
        text.Append(CultureInfo.InvariantCulture,
            $"The broker holds on '{channel}': {stats.Ready} ready, {stats.Delayed} delayed or waiting for a retry, {stats.Leased} being handled, {stats.DeadLettered} dead-lettered; {stats.Subscriptions} subscription(s).");
        text.AppendLine();
        AppendHints(text, kind, channel, stats);
        AppendOtherChannels(text, channel, broker);
        return text.ToString().TrimEnd();
    }

    public static string NotIdle(string what, TimeSpan timeout, List<ChannelStats> busy)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{what}: handlers were still running after {Format(timeout)}: ");
        text.AppendJoin(", ", busy.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Leased} message(s) of '{s.Channel}'")));
        text.Append(". A handler that waits for the test (or for the harness clock, which only the test moves) never finishes; ");
        text.Append("move the clock with harness.Clock.Advance(...), which does not wait for handlers, or let the handler finish first.");
        return text.ToString();
    }

    private static void AppendSeen<T>(StringBuilder text, string channel, JournalEntry[] seen, IBsonCodec<T> codec, DateTimeOffset now)
    {
        if (seen.Length == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Nothing was seen on '{channel}' (harness clock at {now:O}).").AppendLine();
            return;
        }
        text.Append(CultureInfo.InvariantCulture, $"Seen on '{channel}' ({seen.Length}, harness clock at {now:O}):").AppendLine();
        var skipped = Math.Max(0, seen.Length - MaxLines);
        if (skipped > 0)
            text.Append(CultureInfo.InvariantCulture, $"  ... {skipped} earlier, not shown").AppendLine();
        foreach (var entry in seen.Skip(skipped))
        {
            var line = ObservedMessage<T>.From(entry, codec).ToString();
            if (line.Length > MaxLineLength)
                line = string.Concat(line.AsSpan(0, MaxLineLength), "...");
            text.Append(CultureInfo.InvariantCulture, $"  {entry.At:HH:mm:ss.fff} {line}").AppendLine();
        }
    }

    private static void AppendHints(StringBuilder text, HarnessEventKind kind, string channel, ChannelStats stats)
    {
        if (kind != HarnessEventKind.Produced && stats.Subscriptions == 0)
            text.Append(CultureInfo.InvariantCulture, $"Nothing consumes '{channel}': register its consumer with services.AddConsumer<TChannel, TConsumer>().").AppendLine();
        if (stats.Delayed > 0)
            text.Append("The harness clock stands still until the test moves it: await harness.AdvanceTimeAsync(...) lets delays and retry backoffs elapse.").AppendLine();
    }

    private static void AppendOtherChannels(StringBuilder text, string channel, HarnessBroker broker)
    {
        // A test that awaits the wrong channel sees where its messages went.
        var others = broker.Journal.CountByChannel().Where(c => c.Key != channel).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        if (others.Count > 0)
            text.Append("Seen on other channels: ").AppendJoin(", ", others.Select(c => string.Create(CultureInfo.InvariantCulture, $"'{c.Key}' ({c.Value})"))).Append('.').AppendLine();
    }

    private static string Describe(HarnessEventKind kind) => kind switch
    {
        HarnessEventKind.Produced => "produced",
        HarnessEventKind.Consumed => "consumed",
        HarnessEventKind.Failed => "failing",
        HarnessEventKind.DeadLettered => "dead-lettered",
        _ => kind.ToString(),
    };

    private static string Format(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? "an infinite timeout" : timeout > TimeSpan.Zero ? Broker.Interval.Format(timeout) : "0s";
}

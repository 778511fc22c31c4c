using Broker.Cli.Output;
using Broker.Cli.Settings;
using Broker.Management;
using Spectre.Console;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>broker channels</c>: every channel's counts, the rates between two snapshots <c>--interval</c> apart, and how
/// old its oldest unfinished message is. The place to find a stuck channel: messages ready but nothing completed, an
/// old oldest message, dead letters.
/// </summary>
internal sealed class ChannelsCommand(Terminal terminal) : BrokerCommand<ChannelsSettings>(terminal)
{
    private static readonly string[] s_orders = ["name", "ready", "in-flight", "dead-letters", "age"];

    /// <inheritdoc />
    protected override void CheckArguments(ChannelsSettings settings)
    {
        _ = Interval(settings);
        if (settings.Sort is { } sort && !s_orders.Contains(sort, StringComparer.Ordinal))
            throw new CliException(ExitCodes.Usage, $"--sort '{sort}' is not an order: use {string.Join(", ", s_orders)}.");
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(BrokerSession session, ChannelsSettings settings, CancellationToken cancellationToken)
    {
        var interval = Interval(settings);
        var filter = ChannelFilter.Parse(settings.Filter);
        var overview = await session.Broker.ListChannelsAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<string, ChannelRates>? rates = null;
        if (interval > TimeSpan.Zero)
        {
            var earlier = overview;
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            overview = await session.Broker.ListChannelsAsync(cancellationToken).ConfigureAwait(false);
            rates = overview.RatesSince(earlier);
        }
        var channels = Sort(overview.Channels.Where(c => filter.Matches(c.Name)), settings.Sort ?? "name", overview.TakenAt).ToList();

        if (session.Json)
        {
            session.WriteJson(
                new ChannelsDocument(session.Target.Name, overview.TakenAt, rates is null ? null : interval.TotalSeconds, [.. channels.Select(c => Document(c, rates, overview.TakenAt))]),
                JsonOutput.Context.ChannelsDocument);
            return ExitCodes.Success;
        }
        if (channels.Count == 0)
        {
            var what = settings.Filter is null ? "no channels" : $"no channels matching '{settings.Filter}'";
            session.Say($"The {session.Target.Name} has {what}.");
            return ExitCodes.Success;
        }
        session.Terminal.Out.Write(Table(channels, rates, overview.TakenAt));
        return ExitCodes.Success;
    }

    private static TimeSpan Interval(ChannelsSettings settings) =>
        settings.Interval is null ? TimeSpan.FromSeconds(1) : Durations.Parse(settings.Interval, "--interval", allowZero: true);

    private static IEnumerable<ChannelSummary> Sort(IEnumerable<ChannelSummary> channels, string order, DateTimeOffset now) => order switch
    {
        "ready" => channels.OrderByDescending(c => c.Ready).ThenBy(c => c.Name, StringComparer.Ordinal),
        "in-flight" => channels.OrderByDescending(c => c.InFlight).ThenBy(c => c.Name, StringComparer.Ordinal),
        "dead-letters" => channels.OrderByDescending(c => c.DeadLetters).ThenBy(c => c.Name, StringComparer.Ordinal),
        "age" => channels.OrderByDescending(c => c.OldestProducedAt is { } oldest ? now - oldest : TimeSpan.MinValue).ThenBy(c => c.Name, StringComparer.Ordinal),
        _ => channels.OrderBy(c => c.Name, StringComparer.Ordinal),
    };

    private static ChannelDocument Document(ChannelSummary channel, IReadOnlyDictionary<string, ChannelRates>? rates, DateTimeOffset now)
    {
        ChannelRates? rate = rates is not null && rates.TryGetValue(channel.Name, out var r) ? r : null;
        return new ChannelDocument(
            channel.Name, channel.Ready, channel.Delayed, channel.InFlight, channel.DeadLetters, channel.Produced, channel.Completed,
            rate?.ProducedPerSecond, rate?.CompletedPerSecond,
            channel.OldestProducedAt, channel.OldestProducedAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : null,
            channel.Subscriptions, channel.LastId);
    }

    // Eight narrow columns: at 80 columns the name keeps about 25 characters and wraps beyond; counts never wrap.
    private static Table Table(IReadOnlyList<ChannelSummary> channels, IReadOnlyDictionary<string, ChannelRates>? rates, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("Channel"));
        foreach (var heading in new[] { "Ready", "Delayed", "In flight", "Dead", "In/s", "Done/s", "Oldest" })
            table.AddColumn(new TableColumn(heading).RightAligned().NoWrap());
        foreach (var channel in channels)
        {
            ChannelRates? rate = rates is not null && rates.TryGetValue(channel.Name, out var r) ? r : null;
            table.AddRow(
                new Text(channel.Name),
                new Text(Formats.Count(channel.Ready)),
                new Text(Formats.Count(channel.Delayed)),
                new Text(Formats.Count(channel.InFlight)),
                new Text(Formats.Count(channel.DeadLetters), channel.DeadLetters > 0 ? new Style(Color.Red) : Style.Plain),
                new Text(Formats.Rate(rate?.ProducedPerSecond)),
                new Text(Formats.Rate(rate?.CompletedPerSecond)),
                new Text(channel.OldestProducedAt is { } oldest ? Formats.Age(now - oldest) : "-", Stuck(channel, rate) ? new Style(Color.Yellow) : Style.Plain));
        }
        return table;
    }

    // Work is waiting and none was completed over the interval: the column a person looks for first.
    private static bool Stuck(ChannelSummary channel, ChannelRates? rate) =>
        channel.Ready > 0 && rate is { CompletedPerSecond: 0 };
}

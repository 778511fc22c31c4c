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
        session.Terminal.Out.Write(ChannelTable.Render(channels, rates, overview.TakenAt, session.Terminal.Out.Profile.Width));
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
}

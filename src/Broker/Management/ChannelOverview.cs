namespace Broker.Management;

/// <summary>Every channel's counts, taken at one instant.</summary>
/// <param name="TakenAt">When the counts were read, by the broker's clock.</param>
/// <param name="Channels">The channels in name order.</param>
public sealed record ChannelOverview(DateTimeOffset TakenAt, IReadOnlyList<ChannelSummary> Channels)
{
    /// <summary>
    /// Messages produced and completed a second on each channel between an earlier snapshot and this one; a channel
    /// the earlier one did not have counts from zero. Counters that went down (the broker restarted) give no rate.
    /// </summary>
    /// <param name="earlier">A snapshot of the same broker taken before this one.</param>
    /// <returns>The rates by channel name; empty when no time passed.</returns>
    public IReadOnlyDictionary<string, ChannelRates> RatesSince(ChannelOverview earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var seconds = (TakenAt - earlier.TakenAt).TotalSeconds;
        var rates = new Dictionary<string, ChannelRates>(StringComparer.Ordinal);
        if (seconds <= 0)
            return rates;
        var before = new Dictionary<string, ChannelSummary>(StringComparer.Ordinal);
        foreach (var channel in earlier.Channels)
            before[channel.Name] = channel;
        foreach (var channel in Channels)
        {
            before.TryGetValue(channel.Name, out var then);
            var produced = channel.Produced - (then?.Produced ?? 0);
            var completed = channel.Completed - (then?.Completed ?? 0);
            if (produced < 0 || completed < 0)
                continue;
            rates[channel.Name] = new ChannelRates(produced / seconds, completed / seconds);
        }
        return rates;
    }
}

/// <summary>A channel's rates over an interval.</summary>
/// <param name="ProducedPerSecond">Messages accepted a second.</param>
/// <param name="CompletedPerSecond">Messages completed by workers a second.</param>
public readonly record struct ChannelRates(double ProducedPerSecond, double CompletedPerSecond);

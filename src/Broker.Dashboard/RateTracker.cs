using Broker.Management;

namespace Broker.Dashboard;

/// <summary>
/// Turns the snapshots the dashboard takes into rates: a snapshot is compared with the latest one at least
/// <see cref="MinInterval"/> older, and no older than <see cref="MaxInterval"/> (after a long quiet spell an average over
/// hours would pass for a live rate, so the first look shows none). Holds two snapshots at most. Thread-safe.
/// </summary>
internal sealed class RateTracker
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private ChannelOverview? _baseline;
    private ChannelOverview? _latest;

    /// <summary>Records <paramref name="now"/> and returns each channel's rates since an earlier snapshot; empty when there is none yet.</summary>
    public IReadOnlyDictionary<string, ChannelRates> Observe(ChannelOverview now)
    {
        ChannelOverview? earlier;
        lock (_gate)
        {
            if (_latest is null || now.TakenAt - _latest.TakenAt >= MinInterval)
            {
                _baseline = _latest;
                _latest = now;
            }
            // The latest snapshot when it is old enough, else the one before it.
            earlier = _latest != now && now.TakenAt - _latest!.TakenAt >= MinInterval ? _latest : _baseline;
        }
        if (earlier is null || now.TakenAt - earlier.TakenAt > MaxInterval || now.TakenAt <= earlier.TakenAt)
            return new Dictionary<string, ChannelRates>();
        return now.RatesSince(earlier);
    }
}

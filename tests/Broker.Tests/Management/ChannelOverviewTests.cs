using Broker.Management;

namespace Broker.Tests.Management;

public sealed class ChannelOverviewTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RatesAreTheCountersDifferencesOverTheTimeBetweenSnapshots()
    {
        var earlier = new ChannelOverview(Start, [Channel("a", produced: 100, completed: 50), Channel("gone", 5, 5)]);
        var later = new ChannelOverview(Start.AddSeconds(2), [Channel("a", produced: 300, completed: 150), Channel("new", produced: 10, completed: 0)]);

        var rates = later.RatesSince(earlier);

        Assert.Equal(new ChannelRates(100, 50), rates["a"]);
        // A channel the earlier snapshot lacked counts from zero; one the later lacks has no rate.
        Assert.Equal(new ChannelRates(5, 0), rates["new"]);
        Assert.False(rates.ContainsKey("gone"));
    }

    [Fact]
    public void CountersThatWentDownOrNoTimePassingGiveNoRate()
    {
        var earlier = new ChannelOverview(Start, [Channel("a", produced: 100, completed: 50)]);
        var restarted = new ChannelOverview(Start.AddSeconds(1), [Channel("a", produced: 3, completed: 1)]);

        Assert.Empty(restarted.RatesSince(earlier));
        Assert.Empty(earlier.RatesSince(earlier));
        Assert.Empty(earlier.RatesSince(restarted));
    }

    private static ChannelSummary Channel(string name, long produced, long completed) =>
        new(name, 0, 0, 0, 0, produced, completed, null, 0, 0);
}

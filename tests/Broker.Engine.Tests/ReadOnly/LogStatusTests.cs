using System.Diagnostics;
using Broker.Engine.Storage.Log;

namespace Broker.Engine.Tests.Snapshots;

/// <summary>The fsync figures of <see cref="LogQueueStore.ReadStatus"/>: the latest 1,024 syncs of the writer's ring, no older one.</summary>
public sealed class LogStatusTests
{
    private static readonly long Millisecond = Stopwatch.Frequency / 1000;

    [Fact]
    public void TheMeanAndMaximumCoverTheLatest1024SyncsOnly()
    {
        var ring = new long[4096];
        // 3,000 syncs: the first 1,976 slow (50 ms), the latest 1,024 alternating 1 and 3 ms.
        for (long n = 1; n <= 3000; n++)
            ring[(n - 1) & 4095] = n <= 1976 ? 50 * Millisecond : (n % 2 == 0 ? 1 : 3) * Millisecond;

        var (mean, max) = LogQueueStore.SummarizeSyncs(ring, 3000, LogQueueStore.StatusSyncWindow);

        Assert.Equal(2, mean, 3);
        Assert.Equal(3, max, 3);
    }

    [Fact]
    public void AfterTheRingWrappedTheLatestSyncsAreStillTheOnesCounted()
    {
        var ring = new long[4096];
        // 10,000 syncs: slot of sync n is (n - 1) mod 4096; the latest 1,024 took 7 ms, everything before 20 ms.
        for (long n = 1; n <= 10_000; n++)
            ring[(n - 1) & 4095] = n > 10_000 - 1024 ? 7 * Millisecond : 20 * Millisecond;

        var (mean, max) = LogQueueStore.SummarizeSyncs(ring, 10_000, LogQueueStore.StatusSyncWindow);

        Assert.Equal(7, mean, 3);
        Assert.Equal(7, max, 3);
    }

    [Fact]
    public void FewerSyncsThanTheWindowAreAveragedAsTheyAreAndNoneGiveZero()
    {
        var ring = new long[4096];
        ring[0] = 2 * Millisecond;
        ring[1] = 4 * Millisecond;

        Assert.Equal((0.0, 0.0), LogQueueStore.SummarizeSyncs(ring, 0, LogQueueStore.StatusSyncWindow));
        var (mean, max) = LogQueueStore.SummarizeSyncs(ring, 2, LogQueueStore.StatusSyncWindow);
        Assert.Equal(3, mean, 3);
        Assert.Equal(4, max, 3);
    }
}

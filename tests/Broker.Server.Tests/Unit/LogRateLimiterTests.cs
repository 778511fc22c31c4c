using Broker.Server.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Unit;

public sealed class LogRateLimiterTests
{
    [Fact]
    public void FirstLinesOfAWindowAreWrittenTheRestCountedAndSummarisedPerKeyOnceTheWindowEnds()
    {
        var time = new FakeTimeProvider();
        var limiter = new LogRateLimiter(linesPerWindow: 3, TimeSpan.FromSeconds(10), time: time);

        var written = new List<bool>();
        for (var i = 0; i < 5; i++) written.Add(limiter.TryAcquire("10.1.2.3"));
        for (var i = 0; i < 2; i++) written.Add(limiter.TryAcquire("10.9.9.9"));
        var early = limiter.TakeSummaries();
        time.Advance(TimeSpan.FromSeconds(10));
        var summaries = limiter.TakeSummaries().OrderBy(s => s.Key).ToArray();
        var again = limiter.TakeSummaries();

        Assert.Equal([true, true, true, false, false, false, false], written);
        Assert.Empty(early);
        Assert.Equal(
            [new LogSummary("10.1.2.3", 5, 2, TimeSpan.FromSeconds(10)), new LogSummary("10.9.9.9", 2, 2, TimeSpan.FromSeconds(10))],
            summaries);
        Assert.Empty(again);
        // A new window writes lines again.
        Assert.True(limiter.TryAcquire("10.1.2.3"));
    }

    [Fact]
    public void AWindowWithNothingHeldBackHasNoSummary()
    {
        var time = new FakeTimeProvider();
        var limiter = new LogRateLimiter(linesPerWindow: 3, TimeSpan.FromSeconds(10), time: time);

        Assert.True(limiter.TryAcquire("a"));
        Assert.True(limiter.TryAcquire("b"));
        time.Advance(TimeSpan.FromSeconds(11));

        Assert.Empty(limiter.TakeSummaries());
    }

    [Fact]
    public void KeysPastTheCapAreCountedTogetherSoTheTableAndTheSummariesStayBounded()
    {
        var time = new FakeTimeProvider();
        var limiter = new LogRateLimiter(linesPerWindow: 2, TimeSpan.FromSeconds(10), maxKeys: 4, time: time);

        // Three windows of 1,000 distinct keys each, and nobody takes the summaries in between.
        var written = 0;
        for (var window = 0; window < 3; window++)
        {
            for (var i = 0; i < 1000; i++)
                written += limiter.TryAcquire($"10.{window}.{i / 256}.{i % 256}") ? 1 : 0;
            time.Advance(TimeSpan.FromSeconds(10));
        }
        var summaries = limiter.TakeSummaries();

        Assert.Equal(6, written);
        Assert.InRange(summaries.Count, 1, 5);
        Assert.Contains(summaries, s => s.Key == LogRateLimiter.OtherKeys);
        // Every line held back is in a summary (keys whose every line was written need none).
        Assert.Equal(3000 - 6, summaries.Sum(s => s.Suppressed));
        Assert.InRange(summaries.Sum(s => s.Events), 3000 - 6, 3000);
        Assert.All(summaries, s => Assert.Equal(TimeSpan.FromSeconds(30), s.Period));
    }
}

using System.Diagnostics.Metrics;
using Broker.Diagnostics;
using Broker.Server.Prometheus;
using Broker.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Unit;

/// <summary>
/// The exporter's listener: what Broker's meters record comes out of a scrape aggregated and named as Prometheus wants;
/// other meters are ignored. Each test names its instruments uniquely, since other tests' meters live in this process.
/// </summary>
public sealed class MetricsCollectorTests
{
    [Fact]
    public async Task CountersSumHistogramsBucketAndObservableGaugesAreCollectedAtScrapeTime()
    {
        var id = Unique();
        using var meter = new Meter(BrokerTelemetry.ServerMeterName);
        var counter = meter.CreateCounter<long>($"{id}.refused", "{error}", "Refused.");
        var histogram = meter.CreateHistogram($"{id}.duration", "s", "Durations.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.1] });
        var size = meter.CreateHistogram<int>($"{id}.size", "By", "Sizes.");
        var observed = 3;
        meter.CreateObservableGauge($"{id}.ready", () => new Measurement<int>(observed, new KeyValuePair<string, object?>("messaging.destination.name", "orders")), "{message}", "Ready.");
        using var collector = new MetricsCollector(maxSeries: 100, NullLogger.Instance);

        counter.Add(2, new KeyValuePair<string, object?>("error.type", "LimitReached"));
        counter.Add(1, new KeyValuePair<string, object?>("error.type", "LimitReached"));
        counter.Add(1, new KeyValuePair<string, object?>("error.type", "Malformed"));
        // Binary fractions, so the sum is exact.
        histogram.Record(0.0078125);
        histogram.Record(0.0625);
        histogram.Record(4);
        size.Record(100);
        var text = await ScrapeAsync(collector);

        var name = id.Replace('.', '_');
        Assert.Contains($"# TYPE {name}_refused_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains($"{name}_refused_total{{error_type=\"LimitReached\"}} 3\n", text, StringComparison.Ordinal);
        Assert.Contains($"{name}_refused_total{{error_type=\"Malformed\"}} 1\n", text, StringComparison.Ordinal);
        // Advised boundaries are used.
        Assert.Contains($"{name}_duration_seconds_bucket{{le=\"0.01\"}} 1\n{name}_duration_seconds_bucket{{le=\"0.1\"}} 2\n{name}_duration_seconds_bucket{{le=\"+Inf\"}} 3\n", text, StringComparison.Ordinal);
        Assert.Contains($"{name}_duration_seconds_sum 4.0703125\n{name}_duration_seconds_count 3\n", text, StringComparison.Ordinal);
        // Without advice, a byte histogram gets the byte boundaries.
        Assert.Contains($"{name}_size_bytes_bucket{{le=\"64\"}} 0\n{name}_size_bytes_bucket{{le=\"256\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Contains($"# TYPE {name}_ready gauge\n{name}_ready{{messaging_destination_name=\"orders\"}} 3\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnObservedSeriesFollowsItsCallbackAndLeavesWithIt()
    {
        var id = Unique();
        var channels = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 };
        using var meter = new Meter(BrokerTelemetry.EngineMeterName);
        meter.CreateObservableGauge($"{id}.ready", () => channels.Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("c", c.Key))).ToList());
        var time = new FakeTimeProvider();
        using var collector = new MetricsCollector(maxSeries: 100, NullLogger.Instance, time);
        var name = id.Replace('.', '_') + "_ready";
        Assert.Contains($"{name}{{c=\"b\"}} 2\n", await ScrapeAsync(collector), StringComparison.Ordinal);

        channels.Remove("b");
        channels["a"] = 7;
        // A scrape within the cache window is answered with the last one's text.
        Assert.Contains($"{name}{{c=\"b\"}} 2\n", await ScrapeAsync(collector), StringComparison.Ordinal);
        time.Advance(MetricsCollector.MinScrapeInterval);
        var text = await ScrapeAsync(collector);

        Assert.Contains($"{name}{{c=\"a\"}} 7\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"{name}{{c=\"b\"}}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCacheWindowIsCountedFromTheStartOfACollectionAndGrowsWithItsCost()
    {
        var id = Unique();
        var time = new FakeTimeProvider();
        var collections = 0;
        var cost = TimeSpan.FromMilliseconds(500);
        using var meter = new Meter(BrokerTelemetry.EngineMeterName);
        // A collection that takes half a second (of the fake clock): its text is served for ten times that, 5 s.
        meter.CreateObservableGauge($"{id}.slow", () =>
        {
            collections++;
            time.Advance(cost);
            return collections;
        });
        using var collector = new MetricsCollector(maxSeries: 100, NullLogger.Instance, time);

        await ScrapeAsync(collector);
        Assert.Equal(1, collections);
        // 4.9 s after it started (4.4 s after it ended): still the same text.
        time.Advance(TimeSpan.FromMilliseconds(4400));
        await ScrapeAsync(collector);
        Assert.Equal(1, collections);
        // 5 s after it started, 4.5 s after it ended: counted from the end, the window would last another half second.
        time.Advance(TimeSpan.FromMilliseconds(100));
        await ScrapeAsync(collector);
        Assert.Equal(2, collections);

        // A collection that costs nothing is served for the minimum, 1 s.
        cost = TimeSpan.Zero;
        time.Advance(TimeSpan.FromSeconds(5));
        await ScrapeAsync(collector);
        Assert.Equal(3, collections);
        time.Advance(MetricsCollector.MinScrapeInterval - TimeSpan.FromMilliseconds(1));
        await ScrapeAsync(collector);
        Assert.Equal(3, collections);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await ScrapeAsync(collector);
        Assert.Equal(4, collections);
    }

    [Fact]
    public async Task ScrapesThatArriveDuringACollectionWaitForItWithoutAThreadAndShareItsText()
    {
        var id = Unique();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var collections = 0;
        using var meter = new Meter(BrokerTelemetry.EngineMeterName);
        meter.CreateObservableGauge($"{id}.blocked", () =>
        {
            Interlocked.Increment(ref collections);
            entered.Set();
            release.Wait(Waits.Generous);
            return 1;
        });
        using var collector = new MetricsCollector(maxSeries: 100, NullLogger.Instance, new FakeTimeProvider());

        var first = Task.Run(() => ScrapeAsync(collector));
        Assert.True(entered.Wait(Waits.Generous));
        // Started on this thread: each returns at its first await, waiting on the collection without blocking.
        var others = Enumerable.Range(0, 16).Select(_ => ScrapeAsync(collector)).ToList();
        Assert.All(others, o => Assert.False(o.IsCompleted));
        release.Set();
        var texts = await Task.WhenAll(others.Append(first));

        Assert.Equal(1, collections);
        Assert.Single(texts.Distinct());
    }

    [Fact]
    public async Task AnExpositionBeingSentOutlivesTheNextCollectionAndItsChunksAreReused()
    {
        var id = Unique();
        using var meter = new Meter(BrokerTelemetry.EngineMeterName);
        var tags = Enumerable.Range(0, 2_000).Select(i => new KeyValuePair<string, object?>[] { new("c", $"channel-{i:D6}-{new string('x', 100)}") }).ToList();
        var value = 1;
        meter.CreateObservableGauge($"{id}.ready", () => tags.Select(t => new Measurement<int>(value, t)));
        var time = new FakeTimeProvider();
        using var collector = new MetricsCollector(maxSeries: 10_000, NullLogger.Instance, time);

        var held = await collector.ScrapeAsync(CancellationToken.None);
        var text = held.Text();
        value = 2;
        time.Advance(MetricsCollector.MinScrapeInterval);
        var newer = await collector.ScrapeAsync(CancellationToken.None);

        // The response still sending the first text sends it whole, though a newer one is cached.
        Assert.Equal(text, held.Text());
        Assert.NotEqual(text, newer.Text());
        Assert.Equal(0, collector.FreeChunks);
        held.Release();
        Assert.Equal(held.ChunkCount, collector.FreeChunks);
        newer.Release();
        // The next collections render into the chunks the earlier ones gave back: none are allocated.
        var owned = collector.OwnedChunks;
        for (var i = 0; i < 3; i++)
        {
            time.Advance(MetricsCollector.MinScrapeInterval);
            (await collector.ScrapeAsync(CancellationToken.None)).Release();
        }
        Assert.Equal(held.ChunkCount, collector.FreeChunks);
        Assert.Equal(owned, collector.OwnedChunks);
    }

    [Fact]
    public async Task ResponsesStillSendingOldTextsKeepTheCachedOneServedInsteadOfMore()
    {
        var id = Unique();
        var collections = 0;
        using var meter = new Meter(BrokerTelemetry.EngineMeterName);
        meter.CreateObservableGauge($"{id}.ready", () => ++collections);
        var time = new FakeTimeProvider();
        using var collector = new MetricsCollector(maxSeries: 100, NullLogger.Instance, time);

        // Slow readers, each holding the text of another window.
        var held = new List<Exposition>();
        for (var i = 0; i < MetricsCollector.MaxExpositions; i++)
        {
            held.Add(await collector.ScrapeAsync(CancellationToken.None));
            time.Advance(MetricsCollector.MinScrapeInterval);
        }
        Assert.Equal(MetricsCollector.MaxExpositions, collections);
        // The window has passed, but another text would be a fifth in memory: the last one is served again.
        var again = await collector.ScrapeAsync(CancellationToken.None);
        Assert.Same(held[^1], again);
        Assert.Equal(MetricsCollector.MaxExpositions, collections);
        again.Release();

        // One response finishes: the next scrape collects.
        held[0].Release();
        var fresh = await collector.ScrapeAsync(CancellationToken.None);
        Assert.Equal(MetricsCollector.MaxExpositions + 1, collections);
        Assert.Equal(MetricsCollector.MaxExpositions, collector.Expositions);
        fresh.Release();
        foreach (var exposition in held.Skip(1))
            exposition.Release();
        Assert.Equal(1, collector.Expositions);
    }

    [Fact]
    public async Task OtherMetersAreNotExported()
    {
        var id = Unique();
        using var meter = new Meter("Someone.Else");
        meter.CreateCounter<long>($"{id}.theirs").Add(1);
        using var collector = new MetricsCollector(maxSeries: 100, NullLogger.Instance);

        Assert.DoesNotContain(id.Replace('.', '_'), await ScrapeAsync(collector), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADisposedMetersInstrumentsStopReportingAndItsCountsStay()
    {
        var id = Unique();
        using var collector = new MetricsCollector(maxSeries: 100, NullLogger.Instance);
        var meter = new Meter(BrokerTelemetry.ServerMeterName);
        meter.CreateCounter<long>($"{id}.accepted").Add(4);
        meter.CreateObservableUpDownCounter($"{id}.open", () => 9);

        meter.Dispose();
        var text = await ScrapeAsync(collector);

        var name = id.Replace('.', '_');
        Assert.Contains($"{name}_accepted_total 4\n", text, StringComparison.Ordinal);
        // Its family stays (HELP and TYPE), without a sample.
        Assert.DoesNotContain($"\n{name}_open ", text, StringComparison.Ordinal);
    }

    /// <summary>A scrape's text, the exposition released as the endpoint releases it once sent.</summary>
    internal static async Task<string> ScrapeAsync(MetricsCollector collector)
    {
        var exposition = await collector.ScrapeAsync(CancellationToken.None);
        try
        {
            return exposition.Text();
        }
        finally
        {
            exposition.Release();
        }
    }

    private static string Unique() => "t" + Guid.NewGuid().ToString("N")[..12];
}

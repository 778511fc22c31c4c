using System.Diagnostics.Metrics;
using Broker.Diagnostics;
using Broker.Server.Prometheus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Tests.Unit;

/// <summary>
/// The exporter's listener: what Broker's meters record comes out of a scrape aggregated and named as Prometheus wants;
/// other meters are ignored. Each test names its instruments uniquely, since other tests' meters live in this process.
/// </summary>
public sealed class MetricsCollectorTests
{
    [Fact]
    public void CountersSumHistogramsBucketAndObservableGaugesAreCollectedAtScrapeTime()
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
        var text = collector.Scrape();

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
        using var collector = new MetricsCollector(maxSeries: 100, NullLogger.Instance);
        var name = id.Replace('.', '_') + "_ready";
        Assert.Contains($"{name}{{c=\"b\"}} 2\n", collector.Scrape(), StringComparison.Ordinal);

        channels.Remove("b");
        channels["a"] = 7;
        // A scrape within the minimum interval is answered with the last one's text.
        await Task.Delay(MetricsCollector.MinScrapeInterval * 2);
        var text = collector.Scrape();

        Assert.Contains($"{name}{{c=\"a\"}} 7\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"{name}{{c=\"b\"}}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherMetersAreNotExported()
    {
        var id = Unique();
        using var meter = new Meter("Someone.Else");
        meter.CreateCounter<long>($"{id}.theirs").Add(1);
        using var collector = new MetricsCollector(maxSeries: 100, NullLogger.Instance);

        Assert.DoesNotContain(id.Replace('.', '_'), collector.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void ADisposedMetersInstrumentsStopReportingAndItsCountsStay()
    {
        var id = Unique();
        using var collector = new MetricsCollector(maxSeries: 100, NullLogger.Instance);
        var meter = new Meter(BrokerTelemetry.ServerMeterName);
        meter.CreateCounter<long>($"{id}.accepted").Add(4);
        meter.CreateObservableUpDownCounter($"{id}.open", () => 9);

        meter.Dispose();
        var text = collector.Scrape();

        var name = id.Replace('.', '_');
        Assert.Contains($"{name}_accepted_total 4\n", text, StringComparison.Ordinal);
        // Its family stays (HELP and TYPE), without a sample.
        Assert.DoesNotContain($"\n{name}_open ", text, StringComparison.Ordinal);
    }

    private static string Unique() => "t" + Guid.NewGuid().ToString("N")[..12];
}

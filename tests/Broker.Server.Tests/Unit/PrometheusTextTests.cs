using Broker.Server.Prometheus;

namespace Broker.Server.Tests.Unit;

/// <summary>The Prometheus text format as the metrics endpoint writes it: names, units, escaping, histograms.</summary>
public sealed class PrometheusTextTests
{
    [Theory]
    [InlineData("broker.log.fsync.duration", "s", "Histogram", "broker_log_fsync_duration_seconds")]
    [InlineData("broker.log.size", "By", "Gauge", "broker_log_size_bytes")]
    [InlineData("broker.server.connections", "{connection}", "Gauge", "broker_server_connections")]
    [InlineData("broker.server.connections.accepted", "{connection}", "Counter", "broker_server_connections_accepted_total")]
    [InlineData("broker.channel.in_flight", "{message}", "Gauge", "broker_channel_in_flight")]
    [InlineData("broker.log.group_commit.bytes", "By", "Histogram", "broker_log_group_commit_bytes")]
    [InlineData("requests.total", "By", "Counter", "requests_bytes_total")]
    [InlineData("cpu.utilization", "1", "Gauge", "cpu_utilization_ratio")]
    [InlineData("events", "1", "Counter", "events_total")]
    [InlineData("net.io", "By/s", "Gauge", "net_io_bytes_per_second")]
    [InlineData("latency", "ms", "Histogram", "latency_milliseconds")]
    [InlineData("odd-name..with  spaces", null, "Gauge", "odd_name_with_spaces")]
    [InlineData("9lives", "", "Gauge", "_9lives")]
    [InlineData("queue.rate", "{message}/s", "Gauge", "queue_rate_per_second")]
    public void InstrumentNamesAndUnitsBecomePrometheusNames(string instrument, string? unit, string kind, string expected) =>
        Assert.Equal(expected, PrometheusNames.MetricName(instrument, unit, Enum.Parse<MetricKind>(kind)));

    [Fact]
    public void TagsBecomeSortedEscapedLabels()
    {
        KeyValuePair<string, object?>[] tags =
        [
            new("messaging.destination.name", "a \"quoted\" \\ path\nwith a line feed"),
            new("error.type", "Malformed"),
            new("count", 42),
            new("ratio", 0.5),
            new("none", null),
        ];

        var labels = LabelSet.Of(tags);

        Assert.Equal(
            "count=\"42\",error_type=\"Malformed\",messaging_destination_name=\"a \\\"quoted\\\" \\\\ path\\nwith a line feed\",none=\"\",ratio=\"0.5\"",
            labels);
        Assert.Equal("", LabelSet.Of([]));
    }

    [Fact]
    public void CountersAndGaugesGetHelpTypeAndOneSamplePerSeries()
    {
        var text = PrometheusText.Render(
        [
            new FamilySnapshot("b_gauge", "Help with a \\ backslash\nand a line feed.", MetricKind.Gauge, [],
                [new SeriesSnapshot("x=\"2\"", 1.5), new SeriesSnapshot("x=\"1\"", -3)]),
            new FamilySnapshot("a_things_total", "Things.", MetricKind.Counter, [], [new SeriesSnapshot("", 7)]),
        ]);

        Assert.Equal(
            """
            # HELP a_things_total Things.
            # TYPE a_things_total counter
            a_things_total 7
            # HELP b_gauge Help with a \\ backslash\nand a line feed.
            # TYPE b_gauge gauge
            b_gauge{x="1"} -3
            b_gauge{x="2"} 1.5

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void HistogramsHaveCumulativeBucketsUpToInfAndSumAndCount()
    {
        var text = PrometheusText.Render(
        [
            new FamilySnapshot("sync_seconds", "Syncs.", MetricKind.Histogram, [0.00005, 0.001, 1],
                [new SeriesSnapshot("disk=\"a\"", 2.5015, Buckets: [1, 0, 2, 1], Count: 4), new SeriesSnapshot("", 0, Buckets: [0, 0, 0, 0], Count: 0)]),
        ]);

        Assert.Equal(
            """
            # HELP sync_seconds Syncs.
            # TYPE sync_seconds histogram
            sync_seconds_bucket{le="5e-05"} 0
            sync_seconds_bucket{le="0.001"} 0
            sync_seconds_bucket{le="1"} 0
            sync_seconds_bucket{le="+Inf"} 0
            sync_seconds_sum 0
            sync_seconds_count 0
            sync_seconds_bucket{disk="a",le="5e-05"} 1
            sync_seconds_bucket{disk="a",le="0.001"} 1
            sync_seconds_bucket{disk="a",le="1"} 3
            sync_seconds_bucket{disk="a",le="+Inf"} 4
            sync_seconds_sum{disk="a"} 2.5015
            sync_seconds_count{disk="a"} 4

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e21, "1e+21")]
    [InlineData(123456789.0, "123456789")]
    public void ValuesAreWrittenAsPrometheusReadsThem(double value, string expected) =>
        Assert.Equal(expected, PrometheusNames.Value(value));

    [Fact]
    public void AFamilyRecordsIntoUpperInclusiveBucketsAndDropsSeriesPastItsLimit()
    {
        string? dropped = null;
        var family = new MetricFamily("h", "H.", MetricKind.Histogram, Aggregation.Histogram, [1, 10], maxSeries: 2, seriesDropped: name => dropped = name);

        foreach (var value in new[] { 0.5, 1, 1.25, 10, 11 })
            family.Record(value, "");
        family.Record(3, "a=\"1\"");
        family.Record(3, "a=\"2\"");

        var snapshot = family.Snapshot();
        var series = Assert.Single(snapshot.Series, s => s.Labels == "");
        Assert.Equal([2L, 2, 1], series.Buckets!);
        Assert.Equal((5L, 23.75), (series.Count, series.Value));
        Assert.Equal(2, snapshot.Series.Count);
        Assert.Equal("h", dropped);
    }

    [Fact]
    public void ObservedFamiliesSumTheirInstrumentsAndForgetSeriesOnClear()
    {
        var family = new MetricFamily("g", "G.", MetricKind.Gauge, Aggregation.Observed, [], maxSeries: 10);
        family.Record(2, "c=\"orders\"");
        family.Record(3, "c=\"orders\"");
        Assert.Equal(5, Assert.Single(family.Snapshot().Series).Value);

        family.Clear();

        Assert.Empty(family.Snapshot().Series);
    }
}

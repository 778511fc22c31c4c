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
        var labels = new LabelTable();
        var gauge = new MetricFamily("b_gauge", "Help with a \\ backslash\nand a line feed.", MetricKind.Gauge, Aggregation.LastValue, [], 10, labels);
        var counter = new MetricFamily("a_things_total", "Things.", MetricKind.Counter, Aggregation.Delta, [], 10, labels);
        gauge.Record(1.5, [new("x", "2")]);
        gauge.Record(-3, [new("x", 1)]);
        counter.Record(4, []);
        counter.Record(3, []);

        var text = Render(gauge, counter);

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
        var family = new MetricFamily("sync_seconds", "Syncs.", MetricKind.Histogram, Aggregation.Histogram, [0.00005, 0.001, 1], 10, new LabelTable());
        // Binary fractions, so the sum is exact; 1 is in the bucket le="1" (upper-inclusive).
        foreach (var value in new[] { 0.000030517578125, 0.5, 0.25, 2 })
            family.Record(value, [new("disk", "a")]);
        family.Record(1, []);

        var text = Render(family);

        Assert.Equal(
            """
            # HELP sync_seconds Syncs.
            # TYPE sync_seconds histogram
            sync_seconds_bucket{le="5e-05"} 0
            sync_seconds_bucket{le="0.001"} 0
            sync_seconds_bucket{le="1"} 1
            sync_seconds_bucket{le="+Inf"} 1
            sync_seconds_sum 1
            sync_seconds_count 1
            sync_seconds_bucket{disk="a",le="5e-05"} 1
            sync_seconds_bucket{disk="a",le="0.001"} 1
            sync_seconds_bucket{disk="a",le="1"} 3
            sync_seconds_bucket{disk="a",le="+Inf"} 4
            sync_seconds_sum{disk="a"} 2.750030517578125
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
        var family = new MetricFamily("h", "H.", MetricKind.Histogram, Aggregation.Histogram, [1, 10], maxSeries: 2, new LabelTable(), name => dropped = name);

        foreach (var value in new[] { 0.5, 1, 1.25, 10, 11 })
            family.Record(value, []);
        family.Record(3, [new("a", "1")]);
        family.Record(3, [new("a", "2")]);

        var text = Render(family);
        Assert.Contains("h_bucket{le=\"1\"} 2\nh_bucket{le=\"10\"} 4\nh_bucket{le=\"+Inf\"} 5\nh_sum 23.75\nh_count 5\n", text, StringComparison.Ordinal);
        Assert.Contains("h_count{a=\"1\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("a=\"2\"", text, StringComparison.Ordinal);
        Assert.Equal(2, family.Count);
        Assert.Equal("h", dropped);
    }

    [Fact]
    public void ObservedFamiliesSumTheirInstrumentsWithinACollectionAndForgetSeriesNotReported()
    {
        var labels = new LabelTable();
        var family = new MetricFamily("g", "G.", MetricKind.Gauge, Aggregation.Observed, [], maxSeries: 10, labels);
        family.BeginCollection(1);
        family.Record(2, [new("c", "orders")]);
        family.Record(3, [new("c", "orders")]);
        family.Record(1, [new("c", "gone")]);
        family.EndCollection();
        Assert.Contains("g{c=\"orders\"} 5\n", Render(family), StringComparison.Ordinal);

        // The next collection replaces the value (it does not add to the last one) and drops what it did not report.
        family.BeginCollection(2);
        family.Record(4, [new("c", "orders")]);
        family.EndCollection();

        Assert.Equal("# HELP g G.\n# TYPE g gauge\ng{c=\"orders\"} 4\n", Render(family));
        Assert.Equal(1, labels.Count);
        family.BeginCollection(3);
        family.EndCollection();
        Assert.Equal(0, family.Count);
        Assert.Equal(0, labels.Count);
    }

    [Fact]
    public void AnObservedFamilyAdmitsAFullSetOfNewSeriesWhileLastCollectionsAreStillHeld()
    {
        string? dropped = null;
        var family = new MetricFamily("g", "G.", MetricKind.Gauge, Aggregation.Observed, [], maxSeries: 3, new LabelTable(), name => dropped = name);
        family.BeginCollection(1);
        foreach (var channel in new[] { "a", "b", "c" })
            family.Record(1, [new("c", channel)]);
        family.EndCollection();

        // Three channels replaced by three others between two scrapes: all three new ones are shown, a fourth is not.
        family.BeginCollection(2);
        foreach (var channel in new[] { "d", "e", "f", "g" })
            family.Record(1, [new("c", channel)]);
        family.EndCollection();

        var text = Render(family);
        Assert.Equal(3, family.Count);
        Assert.Contains("g{c=\"f\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("c=\"g\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("c=\"a\"", text, StringComparison.Ordinal);
        Assert.Equal("g", dropped);
    }

    [Fact]
    public void FamiliesShareOneLabelSetPerTagsAndTagsThatRenderAlikeAreOneSeries()
    {
        var labels = new LabelTable();
        var ready = new MetricFamily("ready", "R.", MetricKind.Gauge, Aggregation.LastValue, [], 10, labels);
        var delayed = new MetricFamily("delayed", "D.", MetricKind.Gauge, Aggregation.LastValue, [], 10, labels);
        KeyValuePair<string, object?>[] tags = [new("messaging.destination.name", "orders"), new("n", 42)];

        ready.Record(1, tags);
        delayed.Record(2, tags);
        // The same labels: in another order, with the number given as text.
        ready.Record(3, [new("n", "42"), new("messaging.destination.name", "orders")]);

        Assert.Equal(1, labels.Count);
        Assert.Equal(1, ready.Count);
        Assert.Contains("ready{messaging_destination_name=\"orders\",n=\"42\"} 3\n", Render(ready), StringComparison.Ordinal);
    }

    [Fact]
    public void AnExpositionLargerThanAChunkIsCutAnywhereAndReadsBackWhole()
    {
        var family = new MetricFamily("broker_channel_ready", "R.", MetricKind.Gauge, Aggregation.LastValue, [], 10_000, new LabelTable());
        var expected = new System.Text.StringBuilder("# HELP broker_channel_ready R.\n# TYPE broker_channel_ready gauge\n");
        var names = Enumerable.Range(0, 2_000).Select(i => $"c/{new string('x', 110)}{i:D6}-é").Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            family.Record(i * 1.5, [new("messaging.destination.name", names[i])]);
            expected.Append($"broker_channel_ready{{messaging_destination_name=\"{names[i]}\"}} {(i * 1.5).ToString(System.Globalization.CultureInfo.InvariantCulture)}\n");
        }
        var pool = new ChunkPool();
        var writer = new ExpositionWriter(pool);

        family.WriteTo(writer);
        var exposition = writer.Complete();

        Assert.True(exposition.ChunkCount > 3, $"{exposition.ChunkCount} chunks");
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(expected.ToString()), exposition.Length);
        Assert.Equal(expected.ToString(), exposition.Text());
        // The chunks come back to the pool with the last reference, up to its limit.
        pool.Limit = exposition.ChunkCount;
        Assert.True(exposition.TryAddReference());
        exposition.Release();
        Assert.Equal(0, pool.FreeCount);
        exposition.Release();
        Assert.Equal(exposition.ChunkCount, pool.FreeCount);
        Assert.False(exposition.TryAddReference());
        // A lower limit drops free chunks past it.
        pool.Limit = 1;
        Assert.Equal((1, 1), (pool.FreeCount, pool.OwnedCount));
    }

    /// <summary>The families' text, as a scrape renders it (in name order).</summary>
    internal static string Render(params MetricFamily[] families)
    {
        var writer = new ExpositionWriter(new ChunkPool());
        foreach (var family in families.OrderBy(f => f.Name, StringComparer.Ordinal))
            family.WriteTo(writer);
        var exposition = writer.Complete();
        try
        {
            return exposition.Text();
        }
        finally
        {
            exposition.Release();
        }
    }
}

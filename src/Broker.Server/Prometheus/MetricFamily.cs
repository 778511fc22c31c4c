namespace Broker.Server.Prometheus;

/// <summary>
/// One metric family as the exporter keeps it: its series by label set, each a value or a histogram's buckets, sum and
/// count. Thread-safe: instruments record from any thread while a scrape reads. At most a fixed number of series are
/// kept; measurements for one more label set are dropped (and <paramref name="seriesDropped"/> is told once), so memory
/// stays bounded whatever tags an instrument is given.
/// </summary>
/// <param name="name">The Prometheus name.</param>
/// <param name="help">The <c># HELP</c> text: the instrument's description.</param>
/// <param name="kind">The <c># TYPE</c>.</param>
/// <param name="aggregation">How measurements become the exposed value.</param>
/// <param name="bounds">A histogram's upper bucket boundaries, increasing; empty otherwise.</param>
/// <param name="maxSeries">The most label sets kept.</param>
/// <param name="seriesDropped">Told, with the family's name, the first time a label set is dropped.</param>
internal sealed class MetricFamily(string name, string help, MetricKind kind, Aggregation aggregation, double[] bounds, int maxSeries, Action<string>? seriesDropped = null)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private bool _dropped;

    public string Name { get; } = name;

    public string Help { get; } = help;

    public MetricKind Kind { get; } = kind;

    public Aggregation Aggregation { get; } = aggregation;

    public IReadOnlyList<double> Bounds { get; } = bounds;

    /// <summary>Takes one measurement for the series of <paramref name="labels"/> (see <see cref="LabelSet"/>).</summary>
    public void Record(double value, string labels)
    {
        lock (_gate)
        {
            if (!_series.TryGetValue(labels, out var series))
            {
                if (_series.Count >= maxSeries)
                {
                    Dropped();
                    return;
                }
                series = new Series(Aggregation == Aggregation.Histogram ? new long[bounds.Length + 1] : null);
                _series.Add(labels, series);
            }
            switch (Aggregation)
            {
                case Aggregation.LastValue:
                    series.Value = value;
                    break;
                case Aggregation.Histogram:
                    // Prometheus buckets are upper-inclusive (le): the first boundary not below the value.
                    var bucket = 0;
                    while (bucket < bounds.Length && value > bounds[bucket])
                        bucket++;
                    series.Buckets![bucket]++;
                    series.Value += value;
                    series.Count++;
                    break;
                default:
                    series.Value += value;
                    break;
            }
        }
    }

    /// <summary>Forgets every series: observable instruments report them all again at the next scrape.</summary>
    public void Clear()
    {
        lock (_gate)
            _series.Clear();
    }

    /// <summary>A consistent copy of the family, for rendering outside the lock.</summary>
    public FamilySnapshot Snapshot()
    {
        lock (_gate)
        {
            var series = new List<SeriesSnapshot>(_series.Count);
            foreach (var (labels, s) in _series)
                series.Add(new SeriesSnapshot(labels, s.Value, s.Buckets is null ? null : [.. s.Buckets], s.Count));
            return new FamilySnapshot(Name, Help, Kind, Bounds, series);
        }
    }

    private void Dropped()
    {
        if (_dropped)
            return;
        _dropped = true;
        seriesDropped?.Invoke(Name);
    }

    private sealed class Series(long[]? buckets)
    {
        public readonly long[]? Buckets = buckets;

        /// <summary>The value; a histogram's sum.</summary>
        public double Value;

        public long Count;
    }
}

/// <summary>A metric family at one moment.</summary>
/// <param name="Name">The Prometheus name.</param>
/// <param name="Help">The <c># HELP</c> text.</param>
/// <param name="Kind">The <c># TYPE</c>.</param>
/// <param name="Bounds">A histogram's upper bucket boundaries; empty otherwise.</param>
/// <param name="Series">Its series.</param>
internal sealed record FamilySnapshot(string Name, string Help, MetricKind Kind, IReadOnlyList<double> Bounds, IReadOnlyList<SeriesSnapshot> Series);

/// <summary>One series at one moment.</summary>
/// <param name="Labels">Its labels as rendered between the braces (<c>a="x",b="y"</c>), empty for none.</param>
/// <param name="Value">The value; a histogram's sum.</param>
/// <param name="Buckets">A histogram's count per bucket (not cumulative), the last one above every boundary; null otherwise.</param>
/// <param name="Count">A histogram's count of measurements.</param>
internal sealed record SeriesSnapshot(string Labels, double Value, long[]? Buckets = null, long Count = 0);

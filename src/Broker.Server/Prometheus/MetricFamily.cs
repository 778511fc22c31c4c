using System.Text;

namespace Broker.Server.Prometheus;

/// <summary>
/// One metric family as the exporter keeps it: its series by label set, each a value or a histogram's buckets, sum and
/// count. Series stay between scrapes and are updated in place (an observed one that a collection does not report is
/// dropped at its end), so a scrape of an unchanged set of channels allocates nothing for them. Thread-safe:
/// instruments record from any thread while a scrape reads. At most a fixed number of series are kept; measurements for
/// one more label set are dropped (and <c>seriesDropped</c> is told once), so memory stays bounded whatever tags an
/// instrument is given.
/// </summary>
internal sealed class MetricFamily
{
    private static readonly Comparison<Series> ByLabels = static (a, b) => a.Labels.Utf8.AsSpan().SequenceCompareTo(b.Labels.Utf8);

    private readonly Lock _gate = new();
    private readonly Dictionary<Labels, Series> _series = [];
    private readonly LabelTable _labels;
    private readonly double[] _bounds;
    private readonly int _maxSeries;
    private readonly Action<string>? _seriesDropped;
    private readonly byte[] _header;
    private readonly byte[] _name;
    private readonly HistogramNames? _histogramNames;
    private readonly byte[][] _le;

    // The series in the order they are written (by labels); re-sorted only when series came or went since.
    private readonly List<Series> _order = [];
    private bool _orderStale;

    private long _generation;
    private int _seenThisGeneration;
    private bool _dropped;

    /// <param name="name">The Prometheus name.</param>
    /// <param name="help">The <c># HELP</c> text: the instrument's description.</param>
    /// <param name="kind">The <c># TYPE</c>.</param>
    /// <param name="aggregation">How measurements become the exposed value.</param>
    /// <param name="bounds">A histogram's upper bucket boundaries, increasing; empty otherwise.</param>
    /// <param name="maxSeries">The most label sets kept.</param>
    /// <param name="labels">Where label sets are rendered and shared with the other families.</param>
    /// <param name="seriesDropped">Told, with the family's name, the first time a label set is dropped.</param>
    public MetricFamily(string name, string help, MetricKind kind, Aggregation aggregation, double[] bounds, int maxSeries, LabelTable labels, Action<string>? seriesDropped = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeries, 1);
        Name = name;
        Kind = kind;
        Aggregation = aggregation;
        _bounds = bounds;
        _maxSeries = maxSeries;
        _labels = labels;
        _seriesDropped = seriesDropped;
        _header = PrometheusText.Header(name, help, kind);
        _name = Encoding.UTF8.GetBytes(name);
        _histogramNames = kind == MetricKind.Histogram ? new HistogramNames(name) : null;
        _le = kind == MetricKind.Histogram ? PrometheusText.BucketLabels(bounds) : [];
    }

    public string Name { get; }

    public MetricKind Kind { get; }

    public Aggregation Aggregation { get; }

    /// <summary>Series held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _series.Count;
        }
    }

    /// <summary>Takes one measurement for the series of <paramref name="tags"/>.</summary>
    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            // Found without a reference: a label set this family holds cannot leave the table meanwhile (LabelTable).
            if (_labels.Find(tags) is not { } found || !_series.TryGetValue(found, out var series))
            {
                var labels = _labels.Acquire(tags);
                if (_series.TryGetValue(labels, out series))
                {
                    // Tags this family holds already in another form (another order, say): the table has learned the
                    // new form, the family keeps its one series and its one reference.
                    _labels.Release(labels);
                }
                else if (Full)
                {
                    _labels.Release(labels);
                    Dropped();
                    return;
                }
                else
                {
                    series = new Series(labels, Aggregation == Aggregation.Histogram ? new long[_bounds.Length + 1] : null);
                    _series.Add(labels, series);
                    _orderStale = true;
                }
            }
            switch (Aggregation)
            {
                case Aggregation.Observed:
                    // Several instruments may report one series (one per engine, say): the first report of a
                    // collection replaces the value, the others add to it.
                    if (series.Generation != _generation)
                    {
                        series.Generation = _generation;
                        series.Value = value;
                        _seenThisGeneration++;
                    }
                    else
                    {
                        series.Value += value;
                    }
                    break;
                case Aggregation.LastValue:
                    series.Value = value;
                    break;
                case Aggregation.Histogram:
                    // Prometheus buckets are upper-inclusive (le): the first boundary not below the value.
                    var bucket = 0;
                    while (bucket < _bounds.Length && value > _bounds[bucket])
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

    /// <summary>An observed family's collection starts: what it reports now is the new value of each series.</summary>
    public void BeginCollection(long generation)
    {
        lock (_gate)
        {
            _generation = generation;
            _seenThisGeneration = 0;
        }
    }

    /// <summary>An observed family's collection ended: series it did not report (a channel gone) are dropped.</summary>
    public void EndCollection()
    {
        if (Aggregation != Aggregation.Observed)
            return;
        lock (_gate)
        {
            foreach (var (labels, series) in _series)
            {
                if (series.Generation == _generation)
                    continue;
                // Removing while enumerating is allowed for Dictionary (it invalidates nothing since .NET Core 3.0).
                _series.Remove(labels);
                _labels.Release(labels);
                _orderStale = true;
            }
        }
    }

    /// <summary>Writes the family: its HELP and TYPE lines, and its series in label order.</summary>
    public void WriteTo(ExpositionWriter text)
    {
        lock (_gate)
        {
            text.Write(_header);
            if (_orderStale)
            {
                // Into the same list each time: no new array of 20,000 references (on the LOH) per change.
                _order.Clear();
                _order.AddRange(_series.Values);
                _order.Sort(ByLabels);
                _orderStale = false;
            }
            foreach (var series in _order)
            {
                if (_histogramNames is not null)
                    PrometheusText.Histogram(text, _histogramNames, _le, series.Labels, series.Buckets, series.Value, series.Count);
                else
                    PrometheusText.Sample(text, _name, series.Labels, series.Value);
            }
        }
    }

    /// <summary>
    /// No room for another series. An observed family counts what this collection reported, not what the last one left
    /// (those go at its end): channels replaced by as many new ones between two scrapes are all shown.
    /// </summary>
    private bool Full => (Aggregation == Aggregation.Observed ? _seenThisGeneration : _series.Count) >= _maxSeries;

    private void Dropped()
    {
        if (_dropped)
            return;
        _dropped = true;
        _seriesDropped?.Invoke(Name);
    }

    private sealed class Series(Labels labels, long[]? buckets)
    {
        public readonly Labels Labels = labels;

        public readonly long[]? Buckets = buckets;

        /// <summary>The value; a histogram's sum.</summary>
        public double Value;

        public long Count;

        /// <summary>The collection that last reported an observed series.</summary>
        public long Generation = -1;
    }
}

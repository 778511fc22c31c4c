using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Broker.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Prometheus;

/// <summary>
/// The exporter's memory: a <see cref="MeterListener"/> on every meter of <see cref="BrokerTelemetry.MeterNames"/> that
/// aggregates what the instruments record (counters and up-down counters summed, histograms in fixed buckets), and at
/// each scrape collects the observable instruments and renders everything in Prometheus' text format.
/// </summary>
/// <remarks>
/// Memory is bounded: one family per instrument name, at most <c>maxSeries</c> label sets each (the engine's per-channel
/// gauges have one per channel it holds, bounded by <c>--max-channels</c>). Scrapes run one at a time, and one that comes
/// within <see cref="MinScrapeInterval"/> of the last is answered with that scrape's text, so however often the endpoint
/// is asked the engine's channels are walked a few times a second at most.
/// </remarks>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>How long a scrape's text is served again instead of collecting anew.</summary>
    public static readonly TimeSpan MinScrapeInterval = TimeSpan.FromMilliseconds(100);

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly HashSet<string> _meterNames = new(BrokerTelemetry.MeterNames, StringComparer.Ordinal);
    private readonly int _maxSeries;
    private readonly ILogger _logger;
    private readonly Lock _scrapeGate = new();
    private string? _lastText;
    private long _lastScrape;

    /// <param name="maxSeries">The most label sets one metric family keeps.</param>
    /// <param name="logger">Where instruments that cannot be exported, and dropped series, are reported.</param>
    public MetricsCollector(int maxSeries, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeries, 1);
        _maxSeries = maxSeries;
        _logger = logger;
        _listener.InstrumentPublished = Published;
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, LabelSet.Of(tags)));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, LabelSet.Of(tags)));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, LabelSet.Of(tags)));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, LabelSet.Of(tags)));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, LabelSet.Of(tags)));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, LabelSet.Of(tags)));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((MetricFamily)state!).Record((double)value, LabelSet.Of(tags)));
        _listener.Start();
    }

    /// <summary>Collects the observable instruments and renders every family.</summary>
    /// <returns>The exposition, in <see cref="PrometheusText.ContentType"/>.</returns>
    public string Scrape()
    {
        lock (_scrapeGate)
        {
            if (_lastText is not null && Stopwatch.GetElapsedTime(_lastScrape) < MinScrapeInterval)
                return _lastText;
            foreach (var family in _families.Values)
            {
                if (family.Aggregation == Aggregation.Observed)
                    family.Clear();
            }
            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (Exception ex)
            {
                // A callback that failed (an engine closing under it, say) costs its own series, not the scrape.
                PrometheusLog.CallbackFailed(_logger, ex.Message);
            }
            _lastText = PrometheusText.Render(_families.Values.Select(f => f.Snapshot()));
            _lastScrape = Stopwatch.GetTimestamp();
            return _lastText;
        }
    }

    /// <summary>Stops listening: instruments record nothing more here.</summary>
    public void Dispose() => _listener.Dispose();

    private void Published(Instrument instrument, MeterListener listener)
    {
        if (!_meterNames.Contains(instrument.Meter.Name))
            return;
        if (Shape(instrument) is not { } shape)
        {
            PrometheusLog.Unsupported(_logger, instrument.Name, instrument.GetType().Name);
            return;
        }
        var (kind, aggregation) = shape;
        var name = PrometheusNames.MetricName(instrument.Name, instrument.Unit, kind);
        var family = _families.GetOrAdd(name, _ => new MetricFamily(
            name, instrument.Description ?? instrument.Name, kind, aggregation,
            kind == MetricKind.Histogram ? Bounds(instrument) : [], _maxSeries,
            dropped => PrometheusLog.SeriesDropped(_logger, dropped, _maxSeries)));
        // Several instruments may share a name (one per engine, say) and then share the family; one of another shape
        // under the same name cannot be merged into it.
        if (family.Kind != kind || family.Aggregation != aggregation)
        {
            PrometheusLog.NameConflict(_logger, instrument.Name, instrument.Meter.Name, name);
            return;
        }
        listener.EnableMeasurementEvents(instrument, family);
    }

    /// <summary>What an instrument is exposed as, by its type; null for a type this exporter does not know.</summary>
    private static (MetricKind, Aggregation)? Shape(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
            return null;
        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Counter<>)) return (MetricKind.Counter, Aggregation.Delta);
        if (definition == typeof(ObservableCounter<>)) return (MetricKind.Counter, Aggregation.Observed);
        if (definition == typeof(UpDownCounter<>)) return (MetricKind.Gauge, Aggregation.Delta);
        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>)) return (MetricKind.Gauge, Aggregation.Observed);
        if (definition == typeof(Gauge<>)) return (MetricKind.Gauge, Aggregation.LastValue);
        if (definition == typeof(Histogram<>)) return (MetricKind.Histogram, Aggregation.Histogram);
        return null;
    }

    /// <summary>The instrument's advised bucket boundaries when usable, else the defaults for its unit.</summary>
    private static double[] Bounds(Instrument instrument)
    {
        double[]? advised = instrument switch
        {
            Instrument<double> d => d.Advice?.HistogramBucketBoundaries?.ToArray(),
            Instrument<float> f => f.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<long> l => l.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<short> s => s.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<byte> b => b.Advice?.HistogramBucketBoundaries?.Select(v => (double)v).ToArray(),
            _ => null,
        };
        return advised is not null && HistogramBounds.AreUsable(advised) ? advised : HistogramBounds.ForUnit(instrument.Unit);
    }
}

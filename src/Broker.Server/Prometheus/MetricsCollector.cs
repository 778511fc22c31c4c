using System.Collections.Concurrent;
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
/// <para>
/// Memory is bounded: one family per instrument name, at most <c>maxSeries</c> label sets each (the engine's per-channel
/// gauges have one per channel it holds, bounded by <c>--max-channels</c>). Series and their rendered labels stay
/// between scrapes, and the text is rendered into pooled chunks, so a scrape of an unchanged set of channels allocates
/// almost nothing.
/// </para>
/// <para>
/// The cost is bounded too, whatever asks: one collection runs at a time, and its result is served again to every scrape
/// until <see cref="MinScrapeInterval"/>, or <see cref="CostFactor"/> times what the collection took if that is longer,
/// has passed since it <em>started</em>. So collecting takes at most a tenth of one core's time however many scrapers
/// ask and however many channels there are; with slow collections (a loaded machine, many channels) the text is older.
/// Scrapes that wait for a collection wait asynchronously, holding no thread.
/// </para>
/// <para>
/// A response being sent holds the text it started with, so slow readers could keep one exposition each alive, as many
/// as there are connections. At most <see cref="MaxExpositions"/> are: while that many are alive, the cached one is
/// served even past its window, until a response finishes (the endpoint gives each at most 30 s). The text is older
/// then; memory is not larger.
/// </para>
/// </remarks>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>The shortest time a collection's text is served again instead of collecting anew.</summary>
    public static readonly TimeSpan MinScrapeInterval = TimeSpan.FromSeconds(1);

    /// <summary>A collection's text is served for this many times what the collection took, when that is longer.</summary>
    public const int CostFactor = 10;

    /// <summary>Expositions alive at once at most: the cached one, and older ones that responses are still sending.</summary>
    public const int MaxExpositions = 4;

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly HashSet<string> _meterNames = new(BrokerTelemetry.MeterNames, StringComparer.Ordinal);
    private readonly int _maxSeries;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LabelTable _labels = new();
    private readonly ChunkPool _chunks = new();
    private readonly SemaphoreSlim _collecting = new(1, 1);
    private Cached? _cached;
    private long _generation;
    private bool _disposed;

    /// <param name="maxSeries">The most label sets one metric family keeps.</param>
    /// <param name="logger">Where instruments that cannot be exported, and dropped series, are reported.</param>
    /// <param name="time">The clock of the cache window (tests give a fake one).</param>
    public MetricsCollector(int maxSeries, ILogger logger, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeries, 1);
        _maxSeries = maxSeries;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _listener.InstrumentPublished = Published;
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((MetricFamily)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Label sets held now, shared by the families (tests).</summary>
    internal int LabelSets => _labels.Count;

    /// <summary>Series held now, over every family (tests).</summary>
    internal int Series => _families.Values.Sum(f => f.Count);

    /// <summary>Chunks kept free for the next exposition (tests).</summary>
    internal int FreeChunks => _chunks.FreeCount;

    /// <summary>Chunks owned, in expositions or free (tests).</summary>
    internal int OwnedChunks => _chunks.OwnedCount;

    /// <summary>Expositions alive (tests).</summary>
    internal int Expositions => _chunks.Expositions;

    /// <summary>
    /// The current exposition, in <see cref="PrometheusText.ContentType"/>: the cached one while its window lasts,
    /// else a new collection's (or, when one is already running, the one it makes).
    /// </summary>
    /// <returns>The exposition with a reference for the caller, who must <see cref="Exposition.Release"/> it.</returns>
    public async ValueTask<Exposition> ScrapeAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
            return cached;
        await _collecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Whoever waited while another collected gets that collection's text.
            if (Fresh() is { } collected)
                return collected;
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Collect();
        }
        finally
        {
            _collecting.Release();
        }
    }

    /// <summary>
    /// The cached exposition with a reference for the caller, if its window has not passed, or if as many expositions as
    /// may be are alive (responses still sending older ones): then a new one would only add to them.
    /// </summary>
    private Exposition? Fresh()
    {
        var cached = Volatile.Read(ref _cached);
        if (cached is null)
            return null;
        if (_time.GetElapsedTime(cached.StartedAt) >= cached.Window && _chunks.Expositions < MaxExpositions)
            return null;
        // False only when a newer collection replaced it and the last response sending it finished meanwhile.
        return cached.Exposition.TryAddReference() ? cached.Exposition : null;
    }

    /// <summary>Collects the observable instruments and renders every family; the one collection running.</summary>
    private Exposition Collect()
    {
        var started = _time.GetTimestamp();
        var generation = ++_generation;
        var families = _families.Values.ToArray();
        Array.Sort(families, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var family in families)
            family.BeginCollection(generation);
        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (Exception ex)
        {
            // A callback that failed (an engine closing under it, say) costs its own series, not the scrape.
            PrometheusLog.CallbackFailed(_logger, ex.Message);
        }
        var writer = new ExpositionWriter(_chunks);
        foreach (var family in families)
        {
            family.EndCollection();
            family.WriteTo(writer);
        }
        var exposition = writer.Complete();
        // Chunks for the expositions that may be alive at once (a collection starts only with fewer alive, so the one
        // it renders is among them).
        _chunks.Limit = exposition.ChunkCount * MaxExpositions;
        var window = TimeSpan.FromTicks(Math.Max(MinScrapeInterval.Ticks, _time.GetElapsedTime(started).Ticks * CostFactor));
        // One reference for the caller, besides the cache's own.
        exposition.TryAddReference();
        var previous = Interlocked.Exchange(ref _cached, new Cached(exposition, started, window));
        previous?.Exposition.Release();
        return exposition;
    }

    /// <summary>Stops listening: instruments record nothing more here. Responses still sending the text finish.</summary>
    public void Dispose()
    {
        _listener.Dispose();
        _collecting.Wait();
        try
        {
            _disposed = true;
            Interlocked.Exchange(ref _cached, null)?.Exposition.Release();
        }
        finally
        {
            _collecting.Release();
        }
    }

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
            kind == MetricKind.Histogram ? Bounds(instrument) : [], _maxSeries, _labels,
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

    /// <summary>A collection's text, when the collection started, and how long it is served.</summary>
    private sealed record Cached(Exposition Exposition, long StartedAt, TimeSpan Window);
}

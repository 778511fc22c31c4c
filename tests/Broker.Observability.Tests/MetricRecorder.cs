using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Broker.Observability.Tests;

/// <summary>Records every measurement of Broker's meters with its tags.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly SemaphoreSlim _signal = new(0);

    public MetricRecorder(params string[] meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (meters.Contains(instrument.Meter.Name))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public sealed record Measurement(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags)
    {
        public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The measurements of one instrument whose destination is <paramref name="channel"/>.</summary>
    public IReadOnlyList<Measurement> Of(string instrument, string channel) =>
        [.. _measurements.Where(m => m.Instrument == instrument && m.Tag("messaging.destination.name") == channel)];

    public void Observe() => _listener.RecordObservableInstruments();

    /// <summary>Waits until <paramref name="instrument"/> has at least <paramref name="count"/> measurements for the channel.</summary>
    public async Task WaitForAsync(string instrument, string channel, int count)
    {
        var deadline = DateTime.UtcNow + TestBroker.Generous;
        while (Of(instrument, channel).Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _signal.WaitAsync(left))
                Assert.Fail($"Expected {count} measurements of {instrument} for '{channel}', saw {Of(instrument, channel).Count}.");
        }
    }

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        var copy = new Dictionary<string, object?>();
        foreach (var (key, tagValue) in tags)
            copy[key] = tagValue;
        _measurements.Enqueue(new Measurement(instrument.Name, instrument.Unit, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
        _signal.Release();
    }

    public void Dispose() => _listener.Dispose();
}

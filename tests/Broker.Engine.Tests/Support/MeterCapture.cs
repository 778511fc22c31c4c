using System.Diagnostics.Metrics;

namespace Broker.Engine.Tests.Support;

/// <summary>
/// Listens to the instruments of one <see cref="Meter"/> instance (not every meter of its name: other tests' engines
/// run in parallel), keeps what they record, and collects observable instruments on demand.
/// </summary>
internal sealed class MeterCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<Recorded> _recorded = [];
    private readonly HashSet<string> _published = [];
    private readonly HashSet<string> _completed = [];

    public MeterCapture(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter))
                return;
            lock (_gate)
                _published.Add(instrument.Name);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_gate)
                _completed.Add(instrument.Name);
        };
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _listener.Start();
    }

    /// <summary>Instruments of the meter this capture saw published.</summary>
    public IReadOnlyCollection<string> Published
    {
        get
        {
            lock (_gate) return [.. _published];
        }
    }

    /// <summary>Instruments whose measurements ended (their meter was disposed).</summary>
    public IReadOnlyCollection<string> Completed
    {
        get
        {
            lock (_gate) return [.. _completed];
        }
    }

    /// <summary>Everything recorded so far by instruments named <paramref name="instrument"/>.</summary>
    public IReadOnlyList<Recorded> Of(string instrument)
    {
        lock (_gate) return [.. _recorded.Where(r => r.Instrument == instrument)];
    }

    /// <summary>Collects the observable instruments now and returns only what that collection reported.</summary>
    public IReadOnlyList<Recorded> Collect()
    {
        lock (_gate) _recorded.Clear();
        _listener.RecordObservableInstruments();
        lock (_gate) return [.. _recorded];
    }

    /// <summary>The value a collection reported for one instrument and channel; null when it reported none.</summary>
    public static double? Value(IReadOnlyList<Recorded> collected, string instrument, string channel) =>
        collected.Where(r => r.Instrument == instrument && r.Channel == channel).Select(r => (double?)r.Value).SingleOrDefault();

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? channel = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "messaging.destination.name")
                channel = tag.Value as string;
        }
        lock (_gate)
            _recorded.Add(new Recorded(instrument.Name, instrument.Unit, value, channel, tags.Length));
    }

    /// <summary>One measurement: the instrument, its unit, the value, the channel tag (if any) and how many tags it had.</summary>
    public sealed record Recorded(string Instrument, string? Unit, double Value, string? Channel, int TagCount);
}

using System.Diagnostics.Metrics;

namespace Broker.Server.Tests.Infrastructure;

/// <summary>
/// Listens to one <see cref="Meter"/> instance (other tests' servers run in this process too) and sums what its
/// instruments record per instrument and tag set.
/// </summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, double> _sums = [];
    private readonly HashSet<string> _completed = [];

    public MeterRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_sums) _completed.Add(instrument.Name);
        };
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _listener.Start();
    }

    /// <summary>Instruments whose meter was disposed.</summary>
    public IReadOnlyCollection<string> Completed
    {
        get
        {
            lock (_sums) return [.. _completed];
        }
    }

    /// <summary>The sum of what <paramref name="instrument"/> recorded with <c>error.type</c> = <paramref name="errorType"/> (or without tags).</summary>
    public double Sum(string instrument, string? errorType = null)
    {
        lock (_sums) return _sums.GetValueOrDefault(Key(instrument, errorType));
    }

    /// <summary>What an observable instrument reports now.</summary>
    public double Observe(string instrument)
    {
        lock (_sums) _sums.Remove(Key(instrument, null));
        _listener.RecordObservableInstruments();
        return Sum(instrument);
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? errorType = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "error.type")
                errorType = tag.Value as string;
        }
        var key = Key(instrument.Name, errorType);
        lock (_sums) _sums[key] = _sums.GetValueOrDefault(key) + value;
    }

    private static string Key(string instrument, string? errorType) => errorType is null ? instrument : $"{instrument}|{errorType}";
}

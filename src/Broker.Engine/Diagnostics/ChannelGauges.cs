using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Broker.Engine.Diagnostics;

/// <summary>
/// One engine's per-channel gauges (<c>broker.channel.ready</c>, <c>.delayed</c>, <c>.in_flight</c>,
/// <c>.dead_letters</c>), read only when a listener collects them: until then they cost nothing.
/// </summary>
/// <remarks>
/// A collection walks the channels without a lock on the engine (the dictionary's enumerator takes none) and takes each
/// channel's lock just long enough to read one count; it does none of the due work <see cref="QueueEngine.GetStats"/>
/// does, so collecting never dispatches or writes from a metrics thread. A channel counts while the engine holds it, so
/// there are at most <see cref="QueueEngineOptions.MaxChannels"/> series per gauge, and a forgotten channel drops out.
/// </remarks>
internal sealed class ChannelGauges : IDisposable
{
    private readonly Meter _meter = EngineTelemetry.CreateMeter();
    private readonly ConcurrentDictionary<string, ChannelQueue> _channels;

    public ChannelGauges(ConcurrentDictionary<string, ChannelQueue> channels)
    {
        _channels = channels;
        _meter.CreateObservableGauge("broker.channel.ready", () => Observe(ChannelCount.Ready), "{message}",
            "Messages ready for a subscription with credit.");
        _meter.CreateObservableGauge("broker.channel.delayed", () => Observe(ChannelCount.Delayed), "{message}",
            "Messages not yet due: produced with a delay, or waiting for a retry.");
        _meter.CreateObservableGauge("broker.channel.in_flight", () => Observe(ChannelCount.Leased), "{message}",
            "Messages delivered under a lease and not yet settled.");
        _meter.CreateObservableGauge("broker.channel.dead_letters", () => Observe(ChannelCount.DeadLettered), "{message}",
            "Messages in the channel's dead-letter queue.");
    }

    /// <summary>The meter the gauges belong to (tests tell this engine's instruments from other engines' by it).</summary>
    internal Meter Meter => _meter;

    /// <summary>Removes the instruments and their callbacks from every listener.</summary>
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<int>> Observe(ChannelCount count)
    {
        foreach (var (_, queue) in _channels)
            yield return new Measurement<int>(queue.Count(count), queue.MetricTags);
    }
}

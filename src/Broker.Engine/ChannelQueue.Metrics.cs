using Broker.Engine.Diagnostics;

namespace Broker.Engine;

/// <summary>Which count of a channel a gauge reads.</summary>
internal enum ChannelCount
{
    Ready,
    Delayed,
    Leased,
    DeadLettered,
}

internal sealed partial class ChannelQueue
{
    // Made on the first collection, not with the channel: a process nobody measures never pays for it.
    private KeyValuePair<string, object?>[]? _metricTags;

    /// <summary>The tags of this channel's measurements (its name); two threads racing to make them make equal ones.</summary>
    public KeyValuePair<string, object?>[] MetricTags => _metricTags ??= [new(EngineTelemetry.ChannelTag, Name)];

    /// <summary>One count, as it is now: the lock is held for the read only, and nothing due is done first.</summary>
    public int Count(ChannelCount count)
    {
        lock (_gate)
        {
            return count switch
            {
                ChannelCount.Ready => _ready.Count + _waiting,
                ChannelCount.Delayed => _delayed.Count,
                ChannelCount.Leased => _leases.Count,
                _ => _deadLetters.Count,
            };
        }
    }
}

namespace Broker.Engine;

/// <summary>A channel's cumulative counts since the engine started.</summary>
/// <param name="Produced">Messages accepted (duplicates and messages replayed from the store not counted).</param>
/// <param name="Completed">Messages completed by a worker.</param>
internal readonly record struct ChannelCounters(long Produced, long Completed)
{
    public static ChannelCounters operator +(ChannelCounters a, ChannelCounters b) => new(a.Produced + b.Produced, a.Completed + b.Completed);

    public static ChannelCounters operator -(ChannelCounters a, ChannelCounters b) => new(a.Produced - b.Produced, a.Completed - b.Completed);
}

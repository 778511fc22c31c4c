namespace Broker.Engine.Dispatch;

/// <summary>A message that is not yet due: its place in the delayed heap.</summary>
internal readonly record struct DelayedEntry(long DueTicks, long Id);

/// <summary>Earliest due first, then production order.</summary>
internal readonly struct DueOrder : IHeapOrder<DelayedEntry>
{
    public static bool Before(DelayedEntry a, DelayedEntry b) =>
        a.DueTicks != b.DueTicks ? a.DueTicks < b.DueTicks : a.Id < b.Id;
}

/// <summary>Why and when a message was dead-lettered.</summary>
internal readonly record struct DeadLetterInfo(string? Error, long AtTicks)
{
    /// <summary>The ordering key of a keyed dead letter: a re-drive puts it back into that key's line.</summary>
    public string? OrderingKey { get; init; }
}

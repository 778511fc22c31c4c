using Broker.Engine.Storage;

namespace Broker.Engine.Dispatch;

/// <summary>
/// What the engine keeps per unfinished message: only what dispatch needs. The payload stays in the store, referenced
/// by <see cref="Payload"/>. An entry sits in exactly one place: the ready heap, the delayed heap, a lease, or the
/// dead-letter set.
/// </summary>
internal sealed class MessageEntry(long id, int priority, long producedAtTicks, long dueTicks, PayloadRef payload)
{
    public long Id { get; } = id;

    public int Priority { get; } = priority;

    /// <summary>UTC ticks of acceptance.</summary>
    public long ProducedAtTicks { get; } = producedAtTicks;

    public PayloadRef Payload { get; } = payload;

    /// <summary>UTC ticks from which it is visible. Changed only while the entry is in no heap.</summary>
    public long DueTicks { get; set; } = dueTicks;

    /// <summary>Deliveries counted so far.</summary>
    public int Tries { get; set; }
}

/// <summary>Visible messages: higher priority first, then production order (lower id).</summary>
internal readonly struct ReadyOrder : IHeapOrder<MessageEntry>
{
    public static bool Before(MessageEntry a, MessageEntry b) =>
        a.Priority != b.Priority ? a.Priority > b.Priority : a.Id < b.Id;
}

/// <summary>Invisible messages: earliest due first.</summary>
internal readonly struct DueOrder : IHeapOrder<MessageEntry>
{
    public static bool Before(MessageEntry a, MessageEntry b) =>
        a.DueTicks != b.DueTicks ? a.DueTicks < b.DueTicks : a.Id < b.Id;
}

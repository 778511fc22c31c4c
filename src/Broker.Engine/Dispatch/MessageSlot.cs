using System.Runtime.InteropServices;

namespace Broker.Engine.Dispatch;

/// <summary>Where an unfinished message is.</summary>
internal enum MessageStatus : byte
{
    /// <summary>No message (finished, never stored, or a free slot).</summary>
    None = 0,

    /// <summary>Visible, in the ready set.</summary>
    Ready,

    /// <summary>Not yet due, in the delayed heap.</summary>
    Delayed,

    /// <summary>Held by a lease.</summary>
    Leased,

    /// <summary>In the dead-letter queue.</summary>
    DeadLettered,

    /// <summary>Being replayed from the store; placed when recovery finishes.</summary>
    Replaying,

    /// <summary>Behind the head of its ordering key's line: placed when every earlier message of the key has left it.</summary>
    Waiting,
}

/// <summary>
/// What the engine keeps per unfinished message: only what dispatch needs, in a struct with no references so that a
/// backlog of millions costs 28 bytes a message and nothing for the garbage collector to trace. The payload stays in
/// the store (<see cref="Position"/>, <see cref="Length"/>); a non-zero priority lives in a side table; the due time of
/// a delayed message lives in the delayed heap.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct MessageSlot
{
    /// <summary>The store's position of the payload (see <see cref="Storage.PayloadRef"/>).</summary>
    public long Position;

    /// <summary>UTC ticks of acceptance.</summary>
    public long ProducedTicks;

    /// <summary>The payload's length in bytes.</summary>
    public int Length;

    /// <summary>Deliveries counted so far.</summary>
    public int Tries;

    public MessageStatus Status;

    /// <summary>How many of the stored bytes are the message's headers (at most 16 KiB; it fits the struct's padding).</summary>
    public ushort HeadersLength;

    /// <summary>Where the message's bytes are in the store.</summary>
    public readonly Storage.PayloadRef Stored => new(Position, Length, HeadersLength);
}

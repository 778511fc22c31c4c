namespace Broker.Engine.Storage.Log;

/// <summary>
/// Records queued for the writer's next write: their bytes back to back, split into runs per segment, and one task
/// that every caller of the batch awaits.
/// </summary>
internal sealed class WriteBatch
{
    public byte[] Buffer = new byte[64 * 1024];

    public int Length;

    /// <summary>Records in the batch: each <see cref="Grow"/> reserves one.</summary>
    public int Records;

    public readonly List<Run> Runs = [];

    /// <summary>Payloads whose messages this batch finishes: no longer needed where they are once it is durable.</summary>
    public readonly List<PayloadRef> Finished = [];

    public TaskCompletionSource Done = NewDone();

    public bool IsEmpty => Length == 0;

    /// <summary>Room for <paramref name="size"/> more bytes.</summary>
    public Span<byte> Grow(int size)
    {
        if (Length + size > Buffer.Length)
            Array.Resize(ref Buffer, Math.Max(Buffer.Length * 2, Length + size));
        var span = Buffer.AsSpan(Length, size);
        Length += size;
        Records++;
        Runs[^1].Length += size;
        return span;
    }

    /// <summary>Empties a written batch for reuse; a new task for the next callers.</summary>
    public void Reset()
    {
        Length = 0;
        Records = 0;
        Runs.Clear();
        Finished.Clear();
        if (Buffer.Length > 4 * 1024 * 1024)
            Buffer = new byte[64 * 1024];
        Done = NewDone();
    }

    // Completed on a thread-pool thread (never the writer's), where the waiters' continuations then run one after the
    // other: one work item per batch rather than one per waiter.
    private static TaskCompletionSource NewDone() => new();

    /// <summary>Bytes of the batch that go to one segment, from <see cref="FileOffset"/>.</summary>
    internal sealed class Run(Segment segment, long fileOffset, int start)
    {
        public Segment Segment { get; } = segment;

        public long FileOffset { get; } = fileOffset;

        public int Start { get; } = start;

        public int Length { get; set; }
    }
}

using Broker.Transport;

namespace Broker.Testing;

/// <summary>
/// One thing the recording transport saw, still encoded: the harness decodes it with the channel's codec when a test asks,
/// so recording never depends on the message type.
/// </summary>
/// <param name="Sequence">Orders the journal: taken when the call began, so a message produced and consumed at once still lists in that order.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Channel">The channel name.</param>
/// <param name="Id">The message id (for a duplicate, the id of the earlier message).</param>
/// <param name="Payload">A copy of the BSON document.</param>
/// <param name="Headers">A copy of the encoded headers; empty for none.</param>
/// <param name="Tries">Which delivery it was; 0 for a produce.</param>
/// <param name="Priority">The message's priority.</param>
/// <param name="ProducedAt">When the broker stored the message.</param>
/// <param name="At">When the harness saw it, on the harness clock.</param>
internal sealed record JournalEntry(
    long Sequence,
    HarnessEventKind Kind,
    string Channel,
    long Id,
    byte[] Payload,
    byte[] Headers,
    int Tries,
    int Priority,
    DateTimeOffset ProducedAt,
    DateTimeOffset At)
{
    /// <summary>The error the delivery failed with, for failures and dead letters.</summary>
    public string? Error { get; init; }

    /// <summary>For a produce: the broker dropped it as a duplicate.</summary>
    public bool IsDuplicate { get; init; }

    /// <summary>For a produce: how long it stays invisible. For a requested retry: the delay asked for.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>For a failure: what the broker did with it (retrying or dead-lettered).</summary>
    public SettleOutcome? Outcome { get; init; }
}

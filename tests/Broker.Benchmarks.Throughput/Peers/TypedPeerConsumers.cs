namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>
/// What one typed round has consumed: every message id of the round exactly once, and nothing else. A message of an
/// earlier round (one that leaked: handed back instead of completed) or one handled twice is counted, and the round
/// fails on it, so every recorded round provably started on an empty channel and consumed exactly its own backlog.
/// </summary>
internal sealed class TypedRoundTally(long firstId, int messages)
{
    private readonly byte[] _seen = new byte[messages];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _handled;
    private int _foreign;
    private int _twice;

    /// <summary>Completes when every message of the round was handled once.</summary>
    public Task AllHandled => _done.Task;

    /// <summary>Handled messages of the round so far (for a timeout's message).</summary>
    public int Handled => Volatile.Read(ref _handled);

    /// <summary>Counts one handled message by the workload id it was produced from.</summary>
    public void Count(long id)
    {
        var index = id - firstId;
        if ((ulong)index >= (ulong)_seen.Length)
            Interlocked.Increment(ref _foreign);
        else if (Interlocked.Exchange(ref _seen[index], 1) != 0)
            Interlocked.Increment(ref _twice);
        else if (Interlocked.Increment(ref _handled) == _seen.Length)
            _done.TrySetResult();
    }

    /// <summary>Fails the round when anything but its own messages, once each, was handled.</summary>
    public void ThrowIfNotExact(string side)
    {
        if (Volatile.Read(ref _foreign) != 0 || Volatile.Read(ref _twice) != 0)
            throw new InvalidOperationException(
                $"{side}: the round handled {Volatile.Read(ref _foreign)} messages of another round and {Volatile.Read(ref _twice)} twice; a round must start on an empty channel.");
    }
}

/// <summary>
/// The typed sides' consumer of the 40-byte workload, resolved in a scope of its own per message as every hosted
/// consumer is. It reads the decoded message (the generated codec ran for it) and counts it.
/// </summary>
internal sealed class PeerUserConsumer(TypedRoundTally tally) : IConsumer<PeerUser>
{
    /// <summary>The inverse of <see cref="PeerMessages.User"/>'s id: the workload's ids stay below a billion.</summary>
    public static long IdOf(PeerUser user) => user.Id - 42L;

    public ValueTask ConsumeAsync(QueueMessage<PeerUser> message, CancellationToken cancellationToken)
    {
        tally.Count(IdOf(message.Data));
        return ValueTask.CompletedTask;
    }
}

/// <summary>The typed sides' consumer of the 276-byte workload; see <see cref="PeerUserConsumer"/>.</summary>
internal sealed class PeerOrderConsumer(TypedRoundTally tally) : IConsumer<PeerOrderEvent>
{
    /// <summary>The inverse of <see cref="PeerMessages.Order"/>'s sequence.</summary>
    public static long IdOf(PeerOrderEvent order) => order.Sequence - 1_234_567_890_123;

    public ValueTask ConsumeAsync(QueueMessage<PeerOrderEvent> message, CancellationToken cancellationToken)
    {
        tally.Count(IdOf(message.Data));
        return ValueTask.CompletedTask;
    }
}

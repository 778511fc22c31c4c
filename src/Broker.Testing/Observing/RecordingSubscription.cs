using System.Threading.Channels;
using Broker.Transport;

namespace Broker.Testing;

/// <summary>
/// A subscription that records how each delivery was settled (consumed, failed, dead-lettered, ...) once the broker
/// answered. Deliveries themselves pass through untouched.
/// </summary>
internal sealed class RecordingSubscription(ITransportSubscription inner, string channel, HarnessJournal journal, TimeProvider clock) : ITransportSubscription
{
    public ChannelReader<Delivery> Deliveries => inner.Deliveries;

    public async ValueTask<SettleOutcome> CompleteAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var sequence = journal.NextSequence();
        var seen = Seen.Of(delivery);
        var outcome = await inner.CompleteAsync(delivery, cancellationToken).ConfigureAwait(false);
        Record(sequence, seen, outcome == SettleOutcome.Completed ? HarnessEventKind.Consumed : HarnessEventKind.LeaseLost, delivery);
        return outcome;
    }

    public async ValueTask<SettleOutcome> FailAsync(Delivery delivery, FailureKind kind, string reason, CancellationToken cancellationToken)
    {
        var sequence = journal.NextSequence();
        var seen = Seen.Of(delivery);
        var deadLetterSequence = journal.NextSequence();
        var outcome = await inner.FailAsync(delivery, kind, reason, cancellationToken).ConfigureAwait(false);
        // The handler failed whatever the broker answers; a refused settle is a lost lease on top.
        Record(sequence, seen, HarnessEventKind.Failed, delivery, reason, outcome);
        if (outcome == SettleOutcome.DeadLettered)
            Record(deadLetterSequence, seen, HarnessEventKind.DeadLettered, delivery, reason, outcome);
        else if (outcome == SettleOutcome.LeaseLost)
            Record(deadLetterSequence, seen, HarnessEventKind.LeaseLost, delivery, reason, outcome);
        return outcome;
    }

    public async ValueTask<SettleOutcome> RetryAsync(Delivery delivery, TimeSpan delay, CancellationToken cancellationToken)
    {
        var sequence = journal.NextSequence();
        var seen = Seen.Of(delivery);
        var outcome = await inner.RetryAsync(delivery, delay, cancellationToken).ConfigureAwait(false);
        Record(sequence, seen, outcome == SettleOutcome.LeaseLost ? HarnessEventKind.LeaseLost : HarnessEventKind.RetryRequested, delivery, delay: delay);
        return outcome;
    }

    public async ValueTask<SettleOutcome> ReleaseAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var sequence = journal.NextSequence();
        var seen = Seen.Of(delivery);
        var outcome = await inner.ReleaseAsync(delivery, cancellationToken).ConfigureAwait(false);
        Record(sequence, seen, outcome == SettleOutcome.LeaseLost ? HarnessEventKind.LeaseLost : HarnessEventKind.Released, delivery);
        return outcome;
    }

    public ValueTask<bool> RenewAsync(Delivery delivery, CancellationToken cancellationToken) => inner.RenewAsync(delivery, cancellationToken);

    public async ValueTask StopDeliveriesAsync(CancellationToken cancellationToken)
    {
        await inner.StopDeliveriesAsync(cancellationToken).ConfigureAwait(false);
        journal.Signal();
    }

    public async ValueTask DisposeAsync()
    {
        // Closing gives up the subscription's leases: whoever waits for the broker to be idle looks again.
        await inner.DisposeAsync().ConfigureAwait(false);
        journal.Signal();
    }

    private void Record(long sequence, Seen seen, HarnessEventKind kind, Delivery delivery, string? error = null, SettleOutcome? outcome = null, TimeSpan delay = default) =>
        journal.Add(new JournalEntry(sequence, kind, channel, delivery.Id, seen.Payload, seen.Headers, delivery.Tries, delivery.Priority, delivery.ProducedAt, clock.GetUtcNow())
        {
            Error = error,
            Outcome = outcome,
            Delay = delay,
        });

    /// <summary>The delivery's bytes, copied before it is settled: once settled, the broker may let go of them.</summary>
    private readonly record struct Seen(byte[] Payload, byte[] Headers)
    {
        public static Seen Of(Delivery delivery) => new(delivery.Payload.ToArray(), delivery.Headers.ToArray());
    }
}

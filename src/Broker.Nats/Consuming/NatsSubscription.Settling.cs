using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using Broker.Transport;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Broker.Nats.Consuming;

// Settling: turns the runner's Complete / Fail / Retry / Release into acks, NAKs and re-published copies, each fenced by
// the delivery's lease. Apart from pulling and leases because it is where the delivery contract's outcomes are decided.
internal sealed partial class NatsSubscription
{
    private NatsDelivery Own(Delivery delivery)
    {
        if (delivery is not NatsDelivery own || own.Channel != Definition.Name)
            throw new ArgumentException("The delivery did not come from this NATS subscription.", nameof(delivery));
        return own;
    }

    private ValueTask<bool> BeginAsync(NatsDelivery delivery) =>
        delivery.TryBeginSettle(_context.Now, _context.SafetyMargin) ? ValueTask.FromResult(true) : RefuseAsync(delivery);

    /// <summary>
    /// Waits for the connection while the lease holds; false, with nothing sent, once it ended. NATS.Net keeps what is
    /// sent while it reconnects and sends it once connected, however late: a settle begun in an outage would reach a
    /// restarted server past the deadline, when it may already have given the message to another worker.
    /// </summary>
    private async ValueTask<bool> ConnectedInTimeAsync(NatsDelivery delivery, CancellationToken cancellationToken)
    {
        while (_context.Connection.ConnectionState != NatsConnectionState.Open)
        {
            if (_context.Now >= delivery.ServerDeadline - 2 * _context.SafetyMargin) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(20), _context.Time, cancellationToken).ConfigureAwait(false);
        }
        return delivery.IsLeaseValid(_context.Now, _context.SafetyMargin);
    }

    private async ValueTask<bool> RefuseAsync(NatsDelivery delivery)
    {
        await ExpireAsync(delivery).ConfigureAwait(false);
        ReturnCredit(delivery);
        return false;
    }

    private async ValueTask<SettleOutcome> SettleAsync(NatsDelivery delivery, Func<NatsDelivery, ValueTask<SettleOutcome>> settle)
    {
        if (!await BeginAsync(delivery).ConfigureAwait(false)) return SettleOutcome.LeaseLost;
        try
        {
            if (!await ConnectedInTimeAsync(delivery, CancellationToken.None).ConfigureAwait(false)) return SettleOutcome.LeaseLost;
            return await settle(delivery).ConfigureAwait(false);
        }
        finally
        {
            delivery.EndSettle();
            ReturnCredit(delivery);
        }
    }

    // The hot path, written out flat rather than through SettleAsync's delegate: one state machine per completion.
    public async ValueTask<SettleOutcome> CompleteAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var d = Own(delivery);
        if (!await BeginAsync(d).ConfigureAwait(false)) return SettleOutcome.LeaseLost;
        try
        {
            if (!await ConnectedInTimeAsync(d, cancellationToken).ConfigureAwait(false)) return SettleOutcome.LeaseLost;
            await AckAsync(d, cancellationToken).ConfigureAwait(false);
            if (d.Partition is not null)
                await FinishKeyedAsync(d).ConfigureAwait(false);
            return SettleOutcome.Completed;
        }
        finally
        {
            d.EndSettle();
            ReturnCredit(d);
        }
    }

    public ValueTask<SettleOutcome> FailAsync(Delivery delivery, FailureKind kind, string reason, CancellationToken cancellationToken) =>
        SettleAsync(Own(delivery), async d =>
        {
            if (kind == FailureKind.Permanent || d.AttemptsUsed >= Definition.MaxAttempts)
            {
                await DeadLetterAsync(d, reason, d.Tries, cancellationToken).ConfigureAwait(false);
                return SettleOutcome.DeadLettered;
            }
            var delay = Definition.RetryDelayAfter(d.AttemptsUsed);
            await GuardAsync(d, delay).ConfigureAwait(false);
            await WhileLeasedAsync(d, ct => d.Message.NakAsync(new AckOpts { DoubleAck = true, NakDelay = delay }, ct), cancellationToken).ConfigureAwait(false);
            WakeAfter(delay, d.Partition);
            return SettleOutcome.Retrying;
        });

    public ValueTask<SettleOutcome> RetryAsync(Delivery delivery, TimeSpan delay, CancellationToken cancellationToken) =>
        SettleAsync(Own(delivery), async d =>
        {
            if (d.Partition is { } partition)
            {
                // Keyed: it keeps its place and its key through the delay; the history records a requested retry.
                var history = d.History ?? default;
                await KeyHistory.WriteAsync(_context.Publisher, _channel.Streams, d.StreamSequence, d.NumDelivered, history with { Retries = history.Retries + 1 }, cancellationToken).ConfigureAwait(false);
                await GuardAsync(d, delay).ConfigureAwait(false);
                await WhileLeasedAsync(d, ct => d.Message.NakAsync(new AckOpts { DoubleAck = true, NakDelay = delay }, ct), cancellationToken).ConfigureAwait(false);
                WakeAfter(delay, partition);
                return SettleOutcome.Retrying;
            }
            var headers = MessageCopies.Headers(d.Id, d.ProducedAt, d.Tries, d.PriorRetries + 1, d.Priority, d.Headers);
            await CopyAsync(d, headers, delay, cancellationToken).ConfigureAwait(false);
            return SettleOutcome.Retrying;
        });

    public ValueTask<SettleOutcome> ReleaseAsync(Delivery delivery, CancellationToken cancellationToken) =>
        SettleAsync(Own(delivery), async d =>
        {
            if (d.Partition is { } partition)
            {
                // Keyed: handed back in place (it stays its key's head); the history says this delivery did not count.
                var history = d.History ?? default;
                await KeyHistory.WriteAsync(_context.Publisher, _channel.Streams, d.StreamSequence, d.NumDelivered, history with { Uncounted = history.Uncounted + 1 }, cancellationToken).ConfigureAwait(false);
                await GuardAsync(d, TimeSpan.Zero).ConfigureAwait(false);
                await WhileLeasedAsync(d, ct => d.Message.NakAsync(new AckOpts { DoubleAck = true }, ct), cancellationToken).ConfigureAwait(false);
                await _context.Bell.RingPartitionAsync(Names, partition).ConfigureAwait(false);
                return SettleOutcome.Released;
            }
            // This delivery does not count: the copy starts from the tries before it.
            var headers = MessageCopies.Headers(d.Id, d.ProducedAt, d.Tries - 1, d.PriorRetries, d.Priority, d.Headers);
            await CopyAsync(d, headers, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            return SettleOutcome.Released;
        });

    private static readonly AckOpts DoubleAck = new() { DoubleAck = true };

    /// <summary>Acks and waits for the server's confirmation, retrying temporary failures only while the server surely still holds the message for us.</summary>
    private async Task AckAsync(NatsDelivery delivery, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await delivery.Message.AckAsync(DoubleAck, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (Transient.IsTransient(ex) && _context.Now < delivery.ServerDeadline - 2 * _context.SafetyMargin)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _context.Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends an ack-family reply, retrying temporary failures only while the server surely still holds the message for us.</summary>
    private async Task WhileLeasedAsync(NatsDelivery delivery, Func<CancellationToken, ValueTask> send, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await send(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (Transient.IsTransient(ex) && _context.Now < delivery.ServerDeadline - 2 * _context.SafetyMargin)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _context.Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Publishes a copy (ready at once, or after <paramref name="delay"/> through the scheduler), then acks this copy.</summary>
    private async Task CopyAsync(NatsDelivery delivery, NatsHeaders headers, TimeSpan delay, CancellationToken cancellationToken)
    {
        string subject;
        if (delay > TimeSpan.Zero)
        {
            subject = Names.DelayedSubject;
            headers[MessageHeaders.Due] = MessageHeaders.Format((_context.Time.GetUtcNow() + delay).ToUnixTimeMilliseconds());
        }
        else
        {
            subject = Names.ReadySubject(delivery.Level);
        }
        await _context.Publisher.PublishAsync(subject, delivery.Payload, MessageCopies.CopyId(delivery.StreamSequence), headers, cancellationToken).ConfigureAwait(false);
        await AckAsync(delivery, cancellationToken).ConfigureAwait(false);
        if (delay <= TimeSpan.Zero)
            await _context.Bell.RingAsync(Names, delivery.Level).ConfigureAwait(false);
    }

    /// <summary>Copies the message into the dead-letter stream under its id, then acks it out of the work stream.</summary>
    private async Task DeadLetterAsync(NatsDelivery delivery, string reason, int tries, CancellationToken cancellationToken)
    {
        var headers = MessageCopies.Headers(delivery.Id, delivery.ProducedAt, tries, 0, delivery.Priority, delivery.Headers);
        headers[MessageHeaders.Error] = MessageHeaders.EncodeError(reason);
        // A keyed dead letter keeps its key, so a re-drive puts it back in its key's partition.
        if (delivery.Key is { } key) headers[MessageHeaders.Key] = MessageHeaders.EncodeKey(key);
        await _context.Publisher.PublishAsync(Names.DeadLetterSubject(delivery.Id), delivery.Payload, "d" + MessageHeaders.Format((long)delivery.StreamSequence), headers, cancellationToken).ConfigureAwait(false);
        await AckAsync(delivery, cancellationToken).ConfigureAwait(false);
        await FinishKeyedAsync(delivery).ConfigureAwait(false);
    }
}

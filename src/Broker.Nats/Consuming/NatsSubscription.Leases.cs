using Broker.Nats.JetStream;
using Broker.Transport;
using NATS.Client.JetStream;

namespace Broker.Nats.Consuming;

// Lease keeping: the client's lease (LeaseDuration) and the server's ack wait are two clocks. This part keeps the
// server's side alive while the client's lease holds, renews on the runner's request, and hands back what expired.
internal sealed partial class NatsSubscription
{
    private NatsDelivery[] HeldDeliveries()
    {
        lock (_gate) return [.. _held];
    }

    private void Maintain()
    {
        foreach (var delivery in HeldDeliveries())
        {
            if (delivery.State != DeliveryState.Held) continue;
            var now = _context.Now;
            if (!delivery.IsLeaseValid(now, _context.SafetyMargin))
                _ = ExpireAsync(delivery);
            else if (delivery.ServerDeadline - now < _context.Ticks(_context.Options.AckWait) * 2 / 3)
                _ = KeepAliveAsync(delivery);
        }
    }

    /// <summary>Keeps the server's side of a lease alive while the subscription's own lease is valid (it may be longer than the ack wait).</summary>
    private async Task KeepAliveAsync(NatsDelivery delivery)
    {
        try
        {
            await ProgressAsync(delivery, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogRenewFailed(_context.Logger, ex, Definition.Name, delivery.Id);
        }
    }

    /// <summary>
    /// Sends an in-progress ack and, once the server confirms it, moves the server's deadline on: but only if the
    /// confirmation came before the deadline we knew. A confirmation after it proves nothing: this process may have
    /// been frozen or starved between deciding to send and the server receiving, the server may have given the message
    /// to another worker meanwhile, and 2.9 confirms (and applies) an in-progress ack for a message delivered to
    /// someone else. Returns whether the deadline moved.
    /// </summary>
    private async Task<bool> ProgressAsync(NatsDelivery delivery, CancellationToken cancellationToken)
    {
        var sentAt = _context.Now;
        var deadline = delivery.ServerDeadline;
        await delivery.Message.AckProgressAsync(new AckOpts { DoubleAck = true }, cancellationToken).ConfigureAwait(false);
        if (_context.Now >= deadline) return false;
        delivery.ExtendServer(sentAt + _context.Ticks(_context.Options.AckWait));
        return true;
    }

    /// <summary>
    /// Before a delivery is handed to the runner: if less than the keep-alive threshold is left of the server's ack
    /// wait, renews it now (confirmed in time), so the runner does not start a handler whose lease is about to end.
    /// False when the lease cannot be made safe: the message is left to the server's ack wait.
    /// </summary>
    private async Task<bool> SecureServerLeaseAsync(NatsDelivery delivery)
    {
        var now = _context.Now;
        if (!delivery.IsLeaseValid(now, _context.SafetyMargin)) return false;
        if (delivery.ServerDeadline - now >= _context.Ticks(_context.Options.AckWait) * 2 / 3) return true;
        try
        {
            return await ProgressAsync(delivery, _disposed.Token).ConfigureAwait(false)
                && delivery.IsLeaseValid(_context.Now, _context.SafetyMargin);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRenewFailed(_context.Logger, ex, Definition.Name, delivery.Id);
            return false;
        }
    }

    /// <summary>
    /// Gives up a delivery whose lease ran out (or whose subscription closed without settling it). If the server still
    /// holds the message for us, a NAK hands it to another worker now instead of after the ack wait; it counts as an
    /// attempt, as a lost lease does.
    /// </summary>
    private async Task ExpireAsync(NatsDelivery delivery)
    {
        if (!delivery.TryLose(_context.Now, _context.SafetyMargin, out var serverStillOurs)) return;
        if (!serverStillOurs) return;
        try
        {
            // The handler may still be running: the guard needs a credit of its own.
            await GuardAsync(delivery, TimeSpan.Zero, transferCredit: false).ConfigureAwait(false);
            await delivery.Message.NakAsync(new AckOpts { DoubleAck = true }).ConfigureAwait(false);
            if (delivery.Partition is { } partition)
                await _context.Bell.RingPartitionAsync(Names, partition).ConfigureAwait(false);
            else
                await _context.Bell.RingAsync(Names, delivery.Level).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The server redelivers it after the ack wait instead.
            LogSettleFailed(_context.Logger, ex, Definition.Name, delivery.Id);
        }
    }

    public async ValueTask<bool> RenewAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var d = Own(delivery);
        var sentAt = _context.Now;
        if (d.State != DeliveryState.Held || !d.IsLeaseValid(sentAt, _context.SafetyMargin))
        {
            await ExpireAsync(d).ConfigureAwait(false);
            ReturnCredit(d);
            return false;
        }
        d.ExtendClient(sentAt + _context.Ticks(_settings.LeaseDuration));
        if (await ProgressAsync(d, cancellationToken).ConfigureAwait(false)) return true;
        // Confirmed too late to know the message is still ours: lost, and nothing more is sent for it.
        await ExpireAsync(d).ConfigureAwait(false);
        ReturnCredit(d);
        return false;
    }
}

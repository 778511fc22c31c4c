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
        var sentAt = _context.Now;
        try
        {
            await delivery.Message.AckProgressAsync(new AckOpts { DoubleAck = true }).ConfigureAwait(false);
            delivery.ExtendServer(sentAt + _context.Ticks(_context.Options.AckWait));
        }
        catch (Exception ex)
        {
            LogRenewFailed(_context.Logger, ex, Definition.Name, delivery.Id);
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
        await d.Message.AckProgressAsync(new AckOpts { DoubleAck = true }, cancellationToken).ConfigureAwait(false);
        d.ExtendServer(sentAt + _context.Ticks(_context.Options.AckWait));
        return true;
    }
}

using Broker.Engine;
using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.Server.Subscriptions;

/// <summary>
/// A Broker client's subscription: deliveries from the engine are pushed as Delivery frames carrying the client's
/// subscription id. The engine bounds them by the subscription's credit and hands them over without payloads; the
/// forwarding loop reserves room for each frame in the connection's outbound queue before it reads the payload
/// (<see cref="PayloadPush"/>), so a client that reads slowly is pushed no faster than it reads, and what waits for it
/// holds no payload bytes.
/// </summary>
internal sealed class ForwardedSubscription(int id, EngineSubscription engine)
{
    private Task _forwarding = Task.CompletedTask;

    public int Id { get; } = id;

    public EngineSubscription Engine { get; } = engine;

    public void Start(OutboundQueue outbound) => _forwarding = Task.Run(() => ForwardAsync(outbound));

    /// <summary>Stops new deliveries; completes once every delivery already granted has been pushed.</summary>
    public async Task StopAsync()
    {
        await Engine.StopDeliveriesAsync(CancellationToken.None).ConfigureAwait(false);
        await _forwarding.ConfigureAwait(false);
    }

    /// <summary>Closes the engine subscription: what it holds is lost (and redelivered), what it never pushed goes back uncounted.</summary>
    public async Task CloseAsync()
    {
        await Engine.DisposeAsync().ConfigureAwait(false);
        await _forwarding.ConfigureAwait(false);
    }

    private async Task ForwardAsync(OutboundQueue outbound)
    {
        var reader = Engine.Deliveries;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var delivery))
                {
                    var size = DeliveryPush.FrameSize(PayloadPush.PayloadLength(delivery), PayloadPush.HeadersLength(delivery));
                    if (await PayloadPush.ReserveAndReadAsync(outbound, Engine, delivery, size).ConfigureAwait(false) is not { } read)
                        continue;
                    using var scope = outbound.Enter(size);
                    DeliveryPush.Write(scope.Buffer, Id, delivery, read.Payload.Span, read.Headers.Span);
                }
            }
        }
        catch (IOException)
        {
            // The connection is closing; it closes this subscription, which hands its messages back.
        }
    }
}

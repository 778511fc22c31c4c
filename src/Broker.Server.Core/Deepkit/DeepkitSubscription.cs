using Broker.Engine;
using Broker.Protocol;
using Broker.Server.Subscriptions;
using Broker.Transport;

namespace Broker.Server.Deepkit;

/// <summary>
/// A Deepkit client's subscription to a channel (one per channel and connection, as Deepkit's client keeps them).
/// Deliveries are pushed as QueueResponseHandleMessage <c>{c, id, v}</c>; the client answers each with
/// QueueMessageHandled naming the channel and id, so the leases are kept here by message id (deliveries without their
/// payloads: each is read only when its frame has room in the outbound queue, see <see cref="PayloadPush"/>). The first
/// push waits a moment: Deepkit's client drops a push that arrives in the same read as its subscribe Ack.
/// </summary>
internal sealed class DeepkitSubscription(string channel, EngineSubscription engine)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Delivery> _held = [];
    private Task _forwarding = Task.CompletedTask;
    private bool _unsubscribed;
    private bool _closed;

    public string Channel { get; } = channel;

    public EngineSubscription Engine { get; } = engine;

    public bool IsDrained
    {
        get
        {
            lock (_gate) return _unsubscribed && _held.Count == 0;
        }
    }

    public void Start(OutboundQueue outbound, TimeSpan firstPushDelay) => _forwarding = Task.Run(() => ForwardAsync(outbound, firstPushDelay));

    /// <summary>Settles the delivery the client answered for, mapping Deepkit's verdict onto the engine's.</summary>
    /// <returns>The settle, or null when this subscription does not hold that message (already lost or settled).</returns>
    /// <remarks>
    /// Deepkit 1.0.19's client reports a callback that simply returned as <c>success: false</c> with no error, so
    /// <c>success</c> is not trusted: an error string means the callback threw (retry with backoff), a delay means
    /// <c>message.delay(seconds)</c>, anything else completes the message.
    /// </remarks>
    public Task<SettleOutcome>? Handle(in QueueMessageHandledRequest request)
    {
        Delivery? delivery;
        lock (_gate)
            _held.Remove(request.MessageId, out delivery);
        if (delivery is null)
            return null;
        if (request.Error is { } error)
            return Engine.FailAsync(delivery, FailureKind.Transient, error, CancellationToken.None).AsTask();
        if (request.DelaySeconds > 0)
            return Engine.RetryAsync(delivery, TimeSpan.FromSeconds(Math.Min(request.DelaySeconds, TimeSpan.MaxValue.TotalSeconds / 2)), CancellationToken.None).AsTask();
        return Engine.CompleteAsync(delivery, CancellationToken.None).AsTask();
    }

    /// <summary>No new pushes; deliveries already pushed can still be answered.</summary>
    public async Task UnsubscribeAsync()
    {
        lock (_gate) _unsubscribed = true;
        await Engine.StopDeliveriesAsync(CancellationToken.None).ConfigureAwait(false);
        await _forwarding.ConfigureAwait(false);
    }

    public async Task CloseAsync()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
        }
        await Engine.DisposeAsync().ConfigureAwait(false);
        await _forwarding.ConfigureAwait(false);
    }

    private async Task ForwardAsync(OutboundQueue outbound, TimeSpan firstPushDelay)
    {
        var reader = Engine.Deliveries;
        try
        {
            await Task.Delay(firstPushDelay).ConfigureAwait(false);
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var delivery))
                {
                    var size = QueueResponseHandleMessage.FrameSize(Channel, delivery.Id, PayloadPush.PayloadLength(delivery));
                    // Deepkit's client knows no headers: the message goes to it without them.
                    if (await PayloadPush.ReserveAndReadAsync(outbound, Engine, delivery, size).ConfigureAwait(false) is not { } read)
                        continue;
                    // Held before the push is queued: the client's answer may come as soon as it is written.
                    lock (_gate) _held[delivery.Id] = delivery;
                    using var scope = outbound.Enter(size);
                    QueueResponseHandleMessage.Write(scope.Buffer, Channel, delivery.Id, read.Payload.Span);
                }
            }
        }
        catch (IOException)
        {
            // The connection is closing; it closes this subscription.
        }
    }
}

using Broker.Engine;
using Broker.Protocol;
using Broker.Transport;

namespace Broker.Server.Deepkit;

internal sealed partial class DeepkitHandler
{
    // One subscription per channel, as Deepkit's client keeps them; guarded by _gate.
    private readonly Dictionary<string, DeepkitSubscription> _active = new(StringComparer.Ordinal);
    // Unsubscribed, with pushed deliveries not yet answered; guarded by _gate.
    private readonly List<DeepkitSubscription> _draining = [];

    /// <summary>The open subscriptions (not those draining), which count against the connection's limit; read under its lock.</summary>
    public int SubscriptionCountLocked => _active.Count;

    /// <summary>Takes every subscription, draining ones included, for the connection to close; called under its lock.</summary>
    public DeepkitSubscription[] TakeAllLocked()
    {
        DeepkitSubscription[] all = [.. _active.Values, .. _draining];
        _active.Clear();
        _draining.Clear();
        return all;
    }

    /// <summary>QueueSubscribe: opens the channel's subscription and answers with Ack; pushes follow.</summary>
    public void Subscribe(uint id, ReadOnlySpan<byte> body)
    {
        var request = QueueSubscribeRequest.Read(body, MessageType.QueueSubscribe);
        var options = Server.Options;
        var channel = request.Channel;
        var settings = new SubscriptionSettings(Math.Min(request.MaxParallel, options.MaxParallel), options.DeepkitLease);
        SubscriptionLimits.Validate(channel, settings, options.MaxParallel);
        lock (_gate)
        {
            if (_active.ContainsKey(request.Channel))
                throw new ProtocolException(ErrorCodes.InvalidRequest, $"This connection is already subscribed to '{request.Channel}'.");
            _connection.CheckSubscriptionLimit();
            _connection.TakeCreditLocked(settings.MaxParallel);
        }
        var pending = Server.Engine.SubscribeAsync(channel, settings, PayloadReading.Deferred, CancellationToken.None);
        if (pending.IsCompletedSuccessfully)
            Subscribed(id, request.Channel, pending.Result);
        else
            _ = _connection.TrackAsync(id, MessageType.QueueSubscribe, async () => Subscribed(id, request.Channel, await _connection.OpenedAsync(pending, settings.MaxParallel).ConfigureAwait(false)));
    }

    private void Subscribed(uint id, string channel, EngineSubscription engine)
    {
        var subscription = new DeepkitSubscription(channel, engine);
        lock (_gate)
        {
            if (_connection.IsClosing)
            {
                _ = engine.DisposeAsync().AsTask();
                return;
            }
            _active.Add(channel, subscription);
        }
        _connection.ReplyAck(id);
        subscription.Start(_connection.Outbound, Server.Options.DeepkitFirstPushDelay);
    }

    /// <summary>QueueUnsubscribe: stops the channel's pushes and answers with Ack once they stopped.</summary>
    public void Unsubscribe(uint id, ReadOnlySpan<byte> body)
    {
        var request = QueueSubscribeRequest.Read(body, MessageType.QueueUnsubscribe);
        DeepkitSubscription? subscription;
        lock (_gate)
        {
            if (_active.Remove(request.Channel, out subscription))
                _draining.Add(subscription);
        }
        if (subscription is null)
        {
            _connection.ReplyAck(id);
            return;
        }
        // Deepkit 1.0.19's own server never answers this (it crashes parsing it); its client waits for an Ack. Pushes
        // already made can still be answered with QueueMessageHandled.
        _ = _connection.TrackAsync(id, MessageType.QueueUnsubscribe, async () =>
        {
            await subscription.UnsubscribeAsync().ConfigureAwait(false);
            await CloseIfDrainedAsync(subscription).ConfigureAwait(false);
            _connection.ReplyAck(id);
        });
    }

    /// <summary>QueueMessageHandled: settles the delivery the client answered for and answers with Ack.</summary>
    public void Handled(uint id, ReadOnlySpan<byte> body)
    {
        var request = QueueMessageHandledRequest.Read(body);
        DeepkitSubscription[] candidates;
        lock (_gate)
        {
            candidates = _active.TryGetValue(request.Channel, out var active)
                ? [active, .. _draining]
                : [.. _draining];
        }
        foreach (var subscription in candidates)
        {
            if (subscription.Channel != request.Channel || subscription.Handle(request) is not { } pending)
                continue;
            _ = _connection.TrackAsync(id, MessageType.QueueMessageHandled, async () =>
            {
                await pending.ConfigureAwait(false);
                await CloseIfDrainedAsync(subscription).ConfigureAwait(false);
                _connection.ReplyAck(id);
            });
            return;
        }
        // A lease already lost (or a subscription already gone): nothing to settle, but Deepkit's client waits for an Ack.
        _connection.ReplyAck(id);
    }

    private async Task CloseIfDrainedAsync(DeepkitSubscription subscription)
    {
        if (!subscription.IsDrained) return;
        lock (_gate)
        {
            if (!_draining.Remove(subscription)) return;
        }
        // Held until now: the deliveries pushed before the unsubscribe kept their leases until answered.
        _connection.GiveBackCredit(subscription.Engine);
        await subscription.CloseAsync().ConfigureAwait(false);
    }
}

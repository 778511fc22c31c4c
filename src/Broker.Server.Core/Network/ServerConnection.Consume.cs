using Broker.Engine;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Subscriptions;
using Broker.Transport;

namespace Broker.Server.Network;

internal sealed partial class ServerConnection
{
    private void Subscribe(uint id, ReadOnlySpan<byte> body)
    {
        var request = SubscribeRequest.Read(body);
        var channel = request.Channel;
        var settings = new SubscriptionSettings(request.MaxParallel, Wire.FromMilliseconds(request.LeaseMs, "l"));
        // The same limits as every adapter's; past them an ArgumentException becomes InvalidRequest with its sentence.
        SubscriptionLimits.Validate(channel, settings, Options.MaxParallel);
        lock (_gate)
        {
            if (_subscriptions.ContainsKey(request.Subscription))
                throw new ProtocolException(ErrorCodes.InvalidRequest, $"Subscription {request.Subscription} already exists on this connection.");
            CheckSubscriptionLimit();
            TakeCreditLocked(settings.MaxParallel);
        }
        // Payloads are read when pushed, not when granted: deliveries waiting for the socket hold none.
        var pending = _server.Engine.SubscribeAsync(channel, settings, PayloadReading.Deferred, CancellationToken.None);
        if (pending.IsCompletedSuccessfully)
            Subscribed(id, request.Subscription, pending.Result);
        else
            _ = TrackAsync(id, MessageType.Subscribe, async () => Subscribed(id, request.Subscription, await OpenedAsync(pending, settings.MaxParallel).ConfigureAwait(false)));
    }

    private void Subscribed(uint id, int subscriptionId, EngineSubscription engine)
    {
        var subscription = new ForwardedSubscription(subscriptionId, engine);
        lock (_gate)
        {
            if (_closeReason is not null)
            {
                _ = engine.DisposeAsync().AsTask();
                return;
            }
            _subscriptions.Add(subscriptionId, subscription);
        }
        // Acknowledged before the forwarding starts, though Broker's client accepts deliveries that overtake the Ack.
        ReplyAck(id);
        subscription.Start(Outbound);
    }

    private void Settle(uint id, ReadOnlySpan<byte> body)
    {
        var request = SettleRequest.Read(body, MessageType.Settle);
        var subscription = FindSubscription(request.Subscription);
        if (subscription is null)
        {
            WriteSettled(id, SettleOutcome.LeaseLost);
            return;
        }
        // The engine fences by lease token, message id and owning subscription; the rest of the delivery is not needed.
        var delivery = new Delivery(subscription.Engine.Channel, request.MessageId, ReadOnlyMemory<byte>.Empty, 0, default, 0, request.LeaseToken);
        var engine = subscription.Engine;
        var pending = request.Operation switch
        {
            SettleOperation.Complete => engine.CompleteAsync(delivery, CancellationToken.None),
            SettleOperation.Fail => engine.FailAsync(delivery, FailureKind.Transient, request.Reason ?? "The handler failed.", CancellationToken.None),
            SettleOperation.FailPermanently => engine.FailAsync(delivery, FailureKind.Permanent, request.Reason ?? "The message can never succeed.", CancellationToken.None),
            SettleOperation.Retry => engine.RetryAsync(delivery, Wire.FromMilliseconds(request.DelayMs, "d"), CancellationToken.None),
            _ => engine.ReleaseAsync(delivery, CancellationToken.None),
        };
        if (pending.IsCompletedSuccessfully)
            WriteSettled(id, pending.Result);
        else
            _ = AwaitSettledAsync(id, pending);
    }

    /// <summary>The common case of a settle that waits for the store: one state machine, no closure.</summary>
    private async Task AwaitSettledAsync(uint id, ValueTask<SettleOutcome> pending)
    {
        _inFlight.Begin(0);
        try
        {
            WriteSettled(id, await pending.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            ReplyFailure(id, MessageType.Settle, ex);
        }
        finally
        {
            _inFlight.End(0);
        }
    }

    private void Renew(uint id, ReadOnlySpan<byte> body)
    {
        var request = SettleRequest.Read(body, MessageType.Renew);
        var subscription = FindSubscription(request.Subscription);
        var renewed = false;
        if (subscription is not null)
        {
            var delivery = new Delivery(subscription.Engine.Channel, request.MessageId, ReadOnlyMemory<byte>.Empty, 0, default, 0, request.LeaseToken);
            var pending = subscription.Engine.RenewAsync(delivery, CancellationToken.None);
            if (!pending.IsCompletedSuccessfully)
            {
                _ = TrackAsync(id, MessageType.Renew, async () => WriteResult(id, await pending.ConfigureAwait(false)));
                return;
            }
            renewed = pending.Result;
        }
        WriteResult(id, renewed);
    }

    private void StopDeliveries(uint id, ReadOnlySpan<byte> body)
    {
        var request = SubscriptionRequest.Read(body, MessageType.StopDeliveries);
        var subscription = FindSubscription(request.Subscription);
        if (subscription is null)
        {
            ReplyAck(id);
            return;
        }
        // Answered once every delivery granted before the stop has been pushed: the client completes its reader on the Ack.
        _ = TrackAsync(id, MessageType.StopDeliveries, async () =>
        {
            await subscription.StopAsync().ConfigureAwait(false);
            ReplyAck(id);
        });
    }

    private void Unsubscribe(uint id, ReadOnlySpan<byte> body)
    {
        var request = SubscriptionRequest.Read(body, MessageType.Unsubscribe);
        ForwardedSubscription? subscription;
        lock (_gate)
            _subscriptions.Remove(request.Subscription, out subscription);
        if (subscription is null)
        {
            ReplyAck(id);
            return;
        }
        GiveBackCredit(subscription.Engine);
        _ = TrackAsync(id, MessageType.Unsubscribe, async () =>
        {
            await subscription.CloseAsync().ConfigureAwait(false);
            ReplyAck(id);
        });
    }

    private ForwardedSubscription? FindSubscription(int id)
    {
        lock (_gate) return _subscriptions.GetValueOrDefault(id);
    }

    /// <summary>Refuses a new subscription, native or Deepkit's, once the connection has as many as allowed; called under <c>_gate</c>.</summary>
    /// <exception cref="ProtocolException">LimitReached.</exception>
    internal void CheckSubscriptionLimit()
    {
        if (_subscriptions.Count + _deepkit.SubscriptionCountLocked >= Options.MaxSubscriptions)
            throw new ProtocolException(ErrorCodes.LimitReached, $"This connection has {Options.MaxSubscriptions} subscriptions, the limit.");
    }

    /// <summary>
    /// Counts a new subscription's credit against --max-unsettled: every delivery it is granted costs lease bookkeeping
    /// until settled, so the sum of the credit the connection's subscriptions ask for bounds that memory.
    /// </summary>
    /// <exception cref="ProtocolException">LimitReached.</exception>
    internal void TakeCreditLocked(int credit)
    {
        if (_unsettledCredit + credit > Options.MaxUnsettled)
        {
            throw new ProtocolException(
                ErrorCodes.LimitReached,
                $"This connection's subscriptions already ask for a credit of {_unsettledCredit} unsettled deliveries; {credit} more would pass --max-unsettled ({Options.MaxUnsettled}). Ask for less, or close a subscription first.");
        }
        _unsettledCredit += credit;
    }

    /// <summary>Gives back the credit of a subscription that closed.</summary>
    internal void GiveBackCredit(EngineSubscription engine)
    {
        lock (_gate) _unsettledCredit -= engine.Settings.MaxParallel;
    }

    /// <summary>Awaits a subscription being opened; if it fails, its credit is given back.</summary>
    internal async Task<EngineSubscription> OpenedAsync(ValueTask<EngineSubscription> pending, int credit)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch
        {
            lock (_gate) _unsettledCredit -= credit;
            throw;
        }
    }

    private void WriteSettled(uint id, SettleOutcome outcome)
    {
        using var scope = Outbound.Enter();
        SettledReply.Write(scope.Buffer, id, outcome);
    }

    private void WriteResult(uint id, bool result)
    {
        using var scope = Outbound.Enter();
        ResultReply.Write(scope.Buffer, id, result);
    }

    /// <summary>Runs the asynchronous part of a request, counted in flight, answering a failure with an Error frame.</summary>
    internal async Task TrackAsync(uint id, MessageType type, Func<Task> work)
    {
        _inFlight.Begin(0);
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ReplyFailure(id, type, ex);
        }
        finally
        {
            _inFlight.End(0);
        }
    }

    /// <summary>
    /// The first step of a graceful stop: no new deliveries to this connection's subscriptions (those granted are still
    /// pushed), while its requests, settles included, are still read.
    /// </summary>
    internal async Task StopDeliveriesAsync()
    {
        ForwardedSubscription[] subscriptions;
        lock (_gate)
            subscriptions = [.. _subscriptions.Values];
        foreach (var subscription in subscriptions)
            await subscription.StopAsync().ConfigureAwait(false);
    }

    /// <summary>Deliveries this connection's subscriptions hold and the client has not settled yet.</summary>
    internal int Unsettled
    {
        get
        {
            lock (_gate)
                return _subscriptions.Values.Sum(s => s.Engine.Unsettled);
        }
    }
}

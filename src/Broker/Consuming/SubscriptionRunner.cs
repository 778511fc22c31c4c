using System.Diagnostics;
using Broker.Bson;
using Broker.Diagnostics;
using Broker.Transport;
using Microsoft.Extensions.Logging;

namespace Broker.Consuming;

/// <summary>
/// Runs one subscription for every adapter: decodes each delivery, calls the handler (up to the subscription's credit
/// at once), renews leases while handlers run, and settles each delivery exactly once: complete on return, retry on a
/// requested delay, fail on a throw, hand back on shutdown.
/// </summary>
internal sealed partial class SubscriptionRunner<T> : IQueueSubscription
{
    private const int MaxErrorLength = 4096;

    private readonly ITransportSubscription _subscription;
    private readonly ChannelDefinition _channel;
    private readonly IBsonCodec<T> _codec;
    private readonly Func<QueueMessage<T>, CancellationToken, ValueTask> _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abortHandlers = new();
    private readonly Dictionary<Delivery, RunningDelivery> _running = new(ReferenceEqualityComparer.Instance);
    // Handlers' cancellation sources that finished uncancelled, reset for the next message (guarded by _gate): a linked
    // source per message cost an allocation and two registrations on _abortHandlers, whose lock every handler shares.
    private readonly Stack<CancellationTokenSource> _spareTokens = new();
    private readonly ITimer _renewTimer;
    private readonly Lock _gate = new();
    private Task _readLoop = Task.CompletedTask;
    private TaskCompletionSource? _drained;
    private Task? _stop;
    private volatile bool _stopping;
    private int _disposed;

    private SubscriptionRunner(
        ITransportSubscription subscription,
        ChannelDefinition channel,
        IBsonCodec<T> codec,
        Func<QueueMessage<T>, CancellationToken, ValueTask> handler,
        SubscriptionSettings settings,
        TimeProvider time,
        ILogger logger)
    {
        _subscription = subscription;
        _channel = channel;
        _codec = codec;
        _handler = handler;
        _logger = logger;
        // Renew three times per lease, so one lost or slow renewal never costs the lease.
        var renewEvery = settings.LeaseDuration / 3;
        _renewTimer = time.CreateTimer(static state => ((SubscriptionRunner<T>)state!).RenewLeases(), this, renewEvery, renewEvery);
    }

    public string Channel => _channel.Name;

    public int RunningHandlers
    {
        get
        {
            lock (_gate) return _running.Count;
        }
    }

    public static SubscriptionRunner<T> Start(
        ITransportSubscription subscription,
        ChannelDefinition channel,
        IBsonCodec<T> codec,
        Func<QueueMessage<T>, CancellationToken, ValueTask> handler,
        SubscriptionSettings settings,
        TimeProvider time,
        ILogger logger)
    {
        var runner = new SubscriptionRunner<T>(subscription, channel, codec, handler, settings, time, logger);
        runner._readLoop = Task.Run(runner.ReadLoopAsync);
        return runner;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            _stop ??= StopCoreAsync(cancellationToken);
        return _stop;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Disposing is the hard stop: running handlers are cancelled at once. A graceful StopAsync already under way
        // is cut short the same way.
        await _abortHandlers.CancelAsync().ConfigureAwait(false);
        await StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        _abortHandlers.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        // Started from whatever span called ConsumeAsync (a host's start-up, say): that span is no parent of the
        // messages' process spans, which continue their producers' traces.
        Activity.Current = null;
        try
        {
            await foreach (var delivery in _subscription.Deliveries.ReadAllAsync().ConfigureAwait(false))
            {
                if (_stopping)
                {
                    // Delivered but never started: hand it back without spending an attempt.
                    await SettleAsync(delivery, "release", static (s, d) => s.ReleaseAsync(d, CancellationToken.None)).ConfigureAwait(false);
                    continue;
                }
                StartHandler(delivery);
            }
        }
        catch (Exception ex)
        {
            LogReadLoopFailed(ex, _channel.Name);
        }
    }

    private void StartHandler(Delivery delivery)
    {
        RunningDelivery running;
        // Registered before it is queued, so a stop that waits for the running handlers to drain counts this one.
        lock (_gate)
        {
            var cancel = _spareTokens.TryPop(out var spare) ? spare : CancellationTokenSource.CreateLinkedTokenSource(_abortHandlers.Token);
            running = new RunningDelivery(this, delivery, cancel);
            _running.Add(delivery, running);
        }
        // A thread-pool work item, not Task.Run: a handler's task is never awaited one by one (a stop waits for the set
        // to drain), so the Task, its delegate and the unwrapping task Task.Run makes per message were pure cost.
        ThreadPool.QueueUserWorkItem(static running => running.Start(), running, preferLocal: false);
    }

    /// <summary>
    /// Decodes, calls the handler inside the message's log scope and settles the message by how it ended. The common
    /// path (the handler returns, the message is completed) awaits in this one method: the runner's own per-message
    /// methods used to be three, each with a state machine of its own to allocate whenever the broker answered later.
    /// </summary>
    private async Task HandleAsync(RunningDelivery running)
    {
        var delivery = running.Delivery;
        try
        {
            T data;
            IReadOnlyDictionary<string, string> headers;
            try
            {
                var reader = new BsonReader(delivery.Payload.Span);
                data = _codec.Read(ref reader);
                headers = HeaderCodec.Decode(delivery.Headers.Span);
            }
            catch (Exception ex)
            {
                LogUndecodable(ex, _channel.Name, delivery.Id);
                await SettleAsync(delivery, "fail", (s, d) => s.FailAsync(d, FailureKind.Permanent, "The message cannot be decoded as " + typeof(T).Name + ": " + ex.Message, CancellationToken.None)).ConfigureAwait(false);
                return;
            }

            var message = new QueueMessage<T>(delivery.Id, delivery.Channel, data, delivery.Tries, delivery.ProducedAt, delivery.Priority, headers);
            using var telemetry = ProcessInstrumentation.Start(_channel.Name, delivery, headers);
            SettleOutcome? outcome;
            // The scope is ambient: the handler's own loggers (from the same factory) carry the channel, id and count too.
            using (_logger.BeginScope(new MessageLogScope(_channel.Name, delivery.Id, delivery.Tries)))
            {
                try
                {
                    await _handler(message, running.Token).ConfigureAwait(false);
                    telemetry.HandlerFinished(exception: null);
                }
                catch (OperationCanceledException ex) when (running.Token.IsCancellationRequested)
                {
                    // A lost lease is an error of this attempt; a shutdown is not (the message goes back untouched).
                    telemetry.HandlerFinished(running.LeaseLost ? ex : null);
                    if (running.LeaseLost)
                    {
                        LogLeaseLostDuringHandler(_channel.Name, delivery.Id);
                        telemetry.Settled(SettleOutcome.LeaseLost);
                        return;
                    }
                    // Stopped by shutdown: not the message's fault, so the attempt is not counted.
                    telemetry.Settled(await SettleAsync(delivery, "release", static (s, d) => s.ReleaseAsync(d, CancellationToken.None)).ConfigureAwait(false));
                    return;
                }
                catch (Exception ex)
                {
                    telemetry.HandlerFinished(ex);
                    LogHandlerFailed(ex, _channel.Name, delivery.Id, delivery.Tries);
                    var error = Describe(ex);
                    telemetry.Settled(await SettleAsync(delivery, "fail", (s, d) => s.FailAsync(d, FailureKind.Transient, error, CancellationToken.None)).ConfigureAwait(false));
                    return;
                }

                if (message.RequestedRetryDelay is { } delay)
                {
                    outcome = await SettleRetryAsync(delivery, delay).ConfigureAwait(false);
                }
                else
                {
                    var started = SettleTelemetry.Start();
                    try
                    {
                        outcome = Answered(delivery, Completing, started, await _subscription.CompleteAsync(delivery, CancellationToken.None).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        outcome = Unanswered(delivery, Completing, started, ex);
                    }
                }
            }
            telemetry.Settled(outcome);
        }
        catch (Exception ex)
        {
            // Handler failures and settle failures are handled above; this is the runner's own machinery failing (a
            // logging provider's scope, say). Nothing waits on this task, so it is said here; the lease runs out.
            LogHandlingFailed(ex, _channel.Name, delivery.Id);
        }
        finally
        {
            var spare = running.Finish();
            lock (_gate)
            {
                _running.Remove(delivery);
                if (spare is not null)
                    _spareTokens.Push(spare);
                if (_running.Count == 0)
                    _drained?.TrySetResult();
            }
        }
    }

    private const string Completing = "complete";

    // A method of its own: a lambda capturing the delay in the method above made every call allocate its closure, retry
    // or not (the pattern variable's scope is the whole method).
    private ValueTask<SettleOutcome?> SettleRetryAsync(Delivery delivery, TimeSpan delay) =>
        SettleAsync(delivery, "retry", (s, d) => s.RetryAsync(d, delay, CancellationToken.None));

    /// <summary>Settles a delivery; returns the broker's answer, or null when none came.</summary>
    private async ValueTask<SettleOutcome?> SettleAsync(Delivery delivery, string operation, Func<ITransportSubscription, Delivery, ValueTask<SettleOutcome>> settle)
    {
        var started = SettleTelemetry.Start();
        try
        {
            return Answered(delivery, operation, started, await settle(_subscription, delivery).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            return Unanswered(delivery, operation, started, ex);
        }
    }

    /// <summary>Records and logs the broker's answer to a settle.</summary>
    private SettleOutcome? Answered(Delivery delivery, string operation, long started, SettleOutcome outcome)
    {
        SettleTelemetry.Answered(_channel.Name, operation, started, outcome);
        switch (outcome)
        {
            case SettleOutcome.LeaseLost:
                LogSettleRefused(_channel.Name, delivery.Id);
                break;
            case SettleOutcome.DeadLettered:
                LogDeadLettered(_channel.Name, delivery.Id, delivery.Tries);
                break;
        }
        return outcome;
    }

    /// <summary>Records and logs a settle the broker did not answer; returns null, the outcome then.</summary>
    private SettleOutcome? Unanswered(Delivery delivery, string operation, long started, Exception ex)
    {
        SettleTelemetry.Failed(_channel.Name, operation, started, ex);
        // The broker did not hear the outcome; the lease will expire and the message will be delivered again.
        LogSettleFailed(ex, _channel.Name, delivery.Id);
        return null;
    }

    private void RenewLeases()
    {
        RunningDelivery[] running;
        lock (_gate)
        {
            if (_running.Count == 0) return;
            running = [.. _running.Values];
        }
        foreach (var item in running)
            _ = RenewAsync(item);
    }

    private async Task RenewAsync(RunningDelivery running)
    {
        if (!running.TryBeginRenewal()) return;
        try
        {
            if (!await _subscription.RenewAsync(running.Delivery, CancellationToken.None).ConfigureAwait(false))
            {
                SettleTelemetry.LeaseLostOnRenewal(_channel.Name);
                // Someone else owns the message now; finishing the handler would only be refused.
                running.LoseLease();
            }
        }
        catch (Exception ex)
        {
            LogRenewFailed(ex, _channel.Name, running.Delivery.Id);
        }
        finally
        {
            running.EndRenewal();
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        try
        {
            await _subscription.StopDeliveriesAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogStopFailed(ex, _channel.Name);
        }

        // The read loop now hands back whatever was still queued and ends when the transport completes the reader.
        await using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abortHandlers).ConfigureAwait(false))
        {
            await _readLoop.ConfigureAwait(false);
            // The read loop has ended, so no handler starts any more: wait for the running ones to drain.
            Task drained;
            lock (_gate)
            {
                _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_running.Count == 0)
                    _drained.TrySetResult();
                drained = _drained.Task;
            }
            await drained.ConfigureAwait(false);
        }
        lock (_gate)
        {
            while (_spareTokens.TryPop(out var spare))
                spare.Dispose();
        }

        await _renewTimer.DisposeAsync().ConfigureAwait(false);
        await _subscription.DisposeAsync().ConfigureAwait(false);
    }

    private static string Describe(Exception ex)
    {
        var text = ex.GetType().FullName + ": " + ex.Message;
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler for message {MessageId} of channel '{Channel}' failed on delivery {Tries}")]
    private partial void LogHandlerFailed(Exception ex, string channel, long messageId, int tries);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} of channel '{Channel}' cannot be decoded; it goes to the dead-letter queue")]
    private partial void LogUndecodable(Exception ex, string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} of channel '{Channel}' was dead-lettered after {Tries} deliveries")]
    private partial void LogDeadLettered(string channel, long messageId, int tries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker refused to settle message {MessageId} of channel '{Channel}': its lease was lost, so it is redelivered elsewhere")]
    private partial void LogSettleRefused(string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease of message {MessageId} of channel '{Channel}' was lost while its handler ran; the handler was cancelled")]
    private partial void LogLeaseLostDuringHandler(string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not settle message {MessageId} of channel '{Channel}'; it will be redelivered when its lease expires")]
    private partial void LogSettleFailed(Exception ex, string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease of message {MessageId} of channel '{Channel}'")]
    private partial void LogRenewFailed(Exception ex, string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling message {MessageId} of channel '{Channel}' failed outside its handler; it will be redelivered when its lease expires")]
    private partial void LogHandlingFailed(Exception ex, string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The subscription to channel '{Channel}' stopped reading deliveries")]
    private partial void LogReadLoopFailed(Exception ex, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not stop deliveries to the subscription of channel '{Channel}'")]
    private partial void LogStopFailed(Exception ex, string channel);

    /// <summary>A delivery whose handler is running, with the token that stops it.</summary>
    /// <remarks>
    /// The token's source is linked to the runner's abort and reused for a later message once this handler finished
    /// uncancelled (<see cref="CancellationTokenSource.TryReset"/> also drops registrations the handler left behind). So
    /// a lost lease cancels it only while the handler still runs: after that the source may be another message's.
    /// </remarks>
    private sealed class RunningDelivery(SubscriptionRunner<T> runner, Delivery delivery, CancellationTokenSource cancel)
    {
        private const int Running = 0;
        private const int Finished = 1;
        private const int Cancelling = 2;

        private readonly CancellationTokenSource _cancel = cancel;
        private int _state;
        private int _renewing;

        public Delivery Delivery { get; } = delivery;

        /// <summary>Runs the handler: the thread-pool work item's body. The task ends by itself (it never throws).</summary>
        public void Start() => _ = runner.HandleAsync(this);

        public CancellationToken Token => _cancel.Token;

        public bool LeaseLost { get; private set; }

        public bool TryBeginRenewal() => Interlocked.CompareExchange(ref _renewing, 1, 0) == 0;

        public void EndRenewal() => Volatile.Write(ref _renewing, 0);

        public void LoseLease()
        {
            LeaseLost = true;
            if (Interlocked.CompareExchange(ref _state, Cancelling, Running) != Running)
                return; // The handler already finished.
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The handler finished meanwhile and its source, cancelled, was disposed.
            }
        }

        /// <summary>Ends the handler's use of the source: returns it for reuse, or disposes it when it was cancelled.</summary>
        public CancellationTokenSource? Finish()
        {
            if (Interlocked.Exchange(ref _state, Finished) == Running && _cancel.TryReset())
                return _cancel;
            _cancel.Dispose();
            return null;
        }
    }
}

using System.Threading.Channels;
using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using Broker.Transport;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.Consuming;

/// <summary>
/// One worker's subscription to a channel. It pulls from the channel's priority levels, highest first, never asking
/// for more than its free credit (<see cref="SubscriptionSettings.MaxParallel"/> less what it holds: JetStream's
/// <c>MaxAckPending</c> is per consumer, shared by all workers, so it cannot bound one subscription). Idle, it waits
/// for a bell (a message became ready), its own retry timers or the poll interval. It keeps each delivery's lease on
/// the client and fences settles against it (see <see cref="NatsDelivery"/>), and maps the settle outcomes:
/// <list type="bullet">
/// <item>Complete: ack, waiting for the server's confirmation (double ack).</item>
/// <item>Fail (transient, attempts left): NAK with the channel's backoff as the NAK delay.</item>
/// <item>Fail (permanent or attempts exhausted): copy to the dead-letter stream, then ack.</item>
/// <item>Retry(delay) and Release: a copy carrying the message's id and history (tries, requested retries), then ack;
/// JetStream's delivery count would otherwise count a release as an attempt and a requested retry as a failure.</item>
/// </list>
/// </summary>
internal sealed partial class NatsSubscription : ITransportSubscription
{
    private readonly NatsContext _context;
    private readonly ChannelRuntime _channel;
    private readonly SubscriptionSettings _settings;
    private readonly Channel<Delivery> _deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Lock _gate = new();
    private readonly HashSet<NatsDelivery> _held = [];
    private readonly SortedSet<int> _levels = new(Comparer<int>.Create(static (a, b) => b.CompareTo(a)));
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stopPulling = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly ITimer _maintenance;
    private Task _pullLoop = Task.CompletedTask;
    private Task _bellLoop = Task.CompletedTask;
    private INatsSub<byte[]>? _bell;
    private Task? _stop;
    private int _disposing;
    private bool _registered;

    private NatsSubscription(NatsContext context, ChannelRuntime channel, SubscriptionSettings settings)
    {
        _context = context;
        _channel = channel;
        _settings = settings;
        var tick = TimeSpan.FromTicks(Math.Min(settings.LeaseDuration.Ticks / 4, context.Options.AckWait.Ticks / 6));
        if (tick < TimeSpan.FromMilliseconds(20)) tick = TimeSpan.FromMilliseconds(20);
        _maintenance = context.Time.CreateTimer(static s => ((NatsSubscription)s!).Maintain(), this, tick, tick);
    }

    public ChannelReader<Delivery> Deliveries => _deliveries.Reader;

    private ChannelDefinition Definition => _channel.Channel;

    private ChannelNames Names => _channel.Names;

    public static async Task<NatsSubscription> StartAsync(NatsContext context, ChannelRuntime channel, SubscriptionSettings settings, CancellationToken cancellationToken)
    {
        var subscription = new NatsSubscription(context, channel, settings);
        try
        {
            subscription._bell = await context.Connection.SubscribeCoreAsync<byte[]>(channel.Names.BellSubject, cancellationToken: cancellationToken).ConfigureAwait(false);
            await subscription.DiscoverLevelsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        channel.AddSubscription();
        subscription._registered = true;
        subscription._bellLoop = Task.Run(subscription.BellLoopAsync, CancellationToken.None);
        subscription._pullLoop = Task.Run(subscription.PullLoopAsync, CancellationToken.None);
        return subscription;
    }

    // ---- Pulling ----

    private int FreeCredit()
    {
        lock (_gate) return _settings.MaxParallel - _held.Count;
    }

    private int[] Levels()
    {
        lock (_gate) return [.. _levels];
    }

    private bool AddLevel(int level)
    {
        lock (_gate) return _levels.Add(level);
    }

    private async Task PullLoopAsync()
    {
        var token = _stopPulling.Token;
        var discoverEvery = _context.Ticks(_context.Options.PollInterval * 10);
        var lastDiscovery = _context.Now;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (_context.Now - lastDiscovery > discoverEvery)
                {
                    await DiscoverLevelsAsync(token).ConfigureAwait(false);
                    lastDiscovery = _context.Now;
                }
                var got = 0;
                foreach (var level in Levels())
                {
                    var free = FreeCredit();
                    if (free <= 0 || token.IsCancellationRequested) break;
                    // Not cancelled by a stop: a pull is short (no wait), and abandoning one could strand a message the
                    // server already sent us until its ack wait ends. What it brings is handed back by the runner.
                    got += await PullAsync(level, free, _disposed.Token).ConfigureAwait(false);
                }
                if (got == 0 || FreeCredit() <= 0)
                    await _wake.WaitAsync(_context.Options.PollInterval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogPullFailed(_context.Logger, ex, Definition.Name);
                try
                {
                    await Task.Delay(_context.Options.PollInterval, _context.Time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task<int> PullAsync(int level, int free, CancellationToken cancellationToken)
    {
        var consumer = await _channel.LevelConsumerAsync(level, cancellationToken).ConfigureAwait(false);
        var sentAt = _context.Now;
        var accepted = 0;
        // No wait: the server answers at once with what is there (404 when nothing). The heartbeat timeout only ends a
        // request whose messages another worker took first.
        var opts = new NatsJSFetchOpts { MaxMsgs = free, Expires = TimeSpan.FromSeconds(2), IdleHeartbeat = TimeSpan.FromSeconds(1) };
        await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(opts, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (await AcceptAsync(message, level, sentAt).ConfigureAwait(false))
                accepted++;
        }
        return accepted;
    }

    private async Task<bool> AcceptAsync(INatsJSMsg<byte[]> message, int level, long sentAt)
    {
        if (message.Metadata is not { } metadata) return false;
        var headers = message.Headers;
        var priorTries = (int)(MessageHeaders.GetLong(headers, MessageHeaders.Tries) ?? 0);
        var priorRetries = (int)(MessageHeaders.GetLong(headers, MessageHeaders.Retries) ?? 0);
        var producedAt = MessageHeaders.GetLong(headers, MessageHeaders.ProducedAt) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : metadata.Timestamp;
        var delivery = new NatsDelivery(
            Definition.Name,
            MessageHeaders.GetLong(headers, MessageHeaders.Id) ?? (long)metadata.Sequence.Stream,
            message.Data ?? [],
            priorTries + (int)metadata.NumDelivered,
            producedAt,
            level,
            _context.NextLeaseToken(),
            message,
            level,
            priorTries,
            priorRetries,
            sentAt + _context.Ticks(_settings.LeaseDuration),
            sentAt + _context.Ticks(_context.Options.AckWait));

        if (delivery.AttemptsUsed > Definition.MaxAttempts)
        {
            // Every allowed attempt was delivered and lost its lease (the worker died or hung): no handler will run
            // it again. The server's MaxDeliver is unlimited so that this decision is always ours (see docs/nats.md).
            if (delivery.TryBeginSettle(_context.Now, _context.SafetyMargin))
            {
                try
                {
                    await DeadLetterAsync(delivery, $"Its lease was lost on each of its {delivery.AttemptsUsed - 1} deliveries (the worker died or hung).", delivery.Tries - 1, CancellationToken.None).ConfigureAwait(false);
                    LogDeadLetteredUnhandled(_context.Logger, Definition.Name, delivery.Id, delivery.Tries - 1);
                }
                catch (Exception ex)
                {
                    LogSettleFailed(_context.Logger, ex, Definition.Name, delivery.Id);
                }
                finally
                {
                    delivery.EndSettle();
                }
            }
            return false;
        }

        lock (_gate) _held.Add(delivery);
        if (!_deliveries.Writer.TryWrite(delivery))
        {
            // Closed under us: hand it straight back as the crash path would.
            await ExpireAsync(delivery).ConfigureAwait(false);
            ReturnCredit(delivery);
            return false;
        }
        return true;
    }

    private async Task DiscoverLevelsAsync(CancellationToken cancellationToken)
    {
        // Levels that ever had a consumer, and levels holding messages now (a producer's bell may have been missed).
        await foreach (var name in _channel.Streams.Work.ListConsumerNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (ChannelNames.LevelOfConsumer(name) is { } level) AddLevel(level);
        }
        var info = await _context.JetStream.GetStreamAsync(Names.WorkStream, new StreamInfoRequest { SubjectsFilter = Names.ReadySubjects }, cancellationToken).ConfigureAwait(false);
        if (info.Info.State.Subjects is { } subjects)
        {
            foreach (var subject in subjects.Keys)
                if (Names.LevelOf(subject) is { } level) AddLevel(level);
        }
    }

    private async Task BellLoopAsync()
    {
        try
        {
            await foreach (var bell in _bell!.Msgs.ReadAllAsync(_disposed.Token).ConfigureAwait(false))
            {
                if (Bell.LevelOf(bell.Data) is { } level && level >= _context.Options.MinPriority && level <= _context.Options.MaxPriority)
                    AddLevel(level);
                _wake.Set();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogPullFailed(_context.Logger, ex, Definition.Name);
        }
    }

    private void WakeAfter(TimeSpan delay)
    {
        ITimer? timer = null;
        timer = _context.Time.CreateTimer(_ =>
        {
            _wake.Set();
            timer?.Dispose();
        }, null, delay + TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);
    }

    // ---- Leases ----

    private void ReturnCredit(NatsDelivery delivery)
    {
        lock (_gate)
        {
            if (delivery.CreditReturned) return;
            delivery.CreditReturned = true;
            _held.Remove(delivery);
        }
        _wake.Set();
    }

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
            await delivery.Message.NakAsync(new AckOpts { DoubleAck = true }).ConfigureAwait(false);
            await Bell.RingAsync(_context.Connection, Names, delivery.Level).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The server redelivers it after the ack wait instead.
            LogSettleFailed(_context.Logger, ex, Definition.Name, delivery.Id);
        }
    }

    // ---- Settling ----

    private NatsDelivery Own(Delivery delivery)
    {
        if (delivery is not NatsDelivery own || own.Channel != Definition.Name)
            throw new ArgumentException("The delivery did not come from this NATS subscription.", nameof(delivery));
        return own;
    }

    private async ValueTask<bool> BeginAsync(NatsDelivery delivery)
    {
        if (delivery.TryBeginSettle(_context.Now, _context.SafetyMargin)) return true;
        await ExpireAsync(delivery).ConfigureAwait(false);
        ReturnCredit(delivery);
        return false;
    }

    private async ValueTask<SettleOutcome> SettleAsync(NatsDelivery delivery, Func<NatsDelivery, ValueTask<SettleOutcome>> settle)
    {
        if (!await BeginAsync(delivery).ConfigureAwait(false)) return SettleOutcome.LeaseLost;
        try
        {
            return await settle(delivery).ConfigureAwait(false);
        }
        finally
        {
            delivery.EndSettle();
            ReturnCredit(delivery);
        }
    }

    public ValueTask<SettleOutcome> CompleteAsync(Delivery delivery, CancellationToken cancellationToken) =>
        SettleAsync(Own(delivery), async d =>
        {
            await AckAsync(d, cancellationToken).ConfigureAwait(false);
            return SettleOutcome.Completed;
        });

    public ValueTask<SettleOutcome> FailAsync(Delivery delivery, FailureKind kind, string reason, CancellationToken cancellationToken) =>
        SettleAsync(Own(delivery), async d =>
        {
            if (kind == FailureKind.Permanent || d.AttemptsUsed >= Definition.MaxAttempts)
            {
                await DeadLetterAsync(d, reason, d.Tries, cancellationToken).ConfigureAwait(false);
                return SettleOutcome.DeadLettered;
            }
            var delay = Definition.RetryDelayAfter(d.AttemptsUsed);
            await WhileLeasedAsync(d, ct => d.Message.NakAsync(new AckOpts { DoubleAck = true, NakDelay = delay }, ct), cancellationToken).ConfigureAwait(false);
            WakeAfter(delay);
            return SettleOutcome.Retrying;
        });

    public ValueTask<SettleOutcome> RetryAsync(Delivery delivery, TimeSpan delay, CancellationToken cancellationToken) =>
        SettleAsync(Own(delivery), async d =>
        {
            var headers = MessageCopies.Headers(d.Id, d.ProducedAt, d.Tries, d.PriorRetries + 1, d.Priority);
            await CopyAsync(d, headers, delay, cancellationToken).ConfigureAwait(false);
            return SettleOutcome.Retrying;
        });

    public ValueTask<SettleOutcome> ReleaseAsync(Delivery delivery, CancellationToken cancellationToken) =>
        SettleAsync(Own(delivery), async d =>
        {
            // This delivery does not count: the copy starts from the tries before it.
            var headers = MessageCopies.Headers(d.Id, d.ProducedAt, d.Tries - 1, d.PriorRetries, d.Priority);
            await CopyAsync(d, headers, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            return SettleOutcome.Released;
        });

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

    private Task AckAsync(NatsDelivery delivery, CancellationToken cancellationToken) =>
        WhileLeasedAsync(delivery, ct => delivery.Message.AckAsync(new AckOpts { DoubleAck = true }, ct), cancellationToken);

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
            await Bell.RingAsync(_context.Connection, Names, delivery.Level).ConfigureAwait(false);
    }

    /// <summary>Copies the message into the dead-letter stream under its id, then acks it out of the work stream.</summary>
    private async Task DeadLetterAsync(NatsDelivery delivery, string reason, int tries, CancellationToken cancellationToken)
    {
        var headers = MessageCopies.Headers(delivery.Id, delivery.ProducedAt, tries, 0, delivery.Priority);
        headers[MessageHeaders.Error] = MessageHeaders.EncodeError(reason);
        await _context.Publisher.PublishAsync(Names.DeadLetterSubject(delivery.Id), delivery.Payload, "d" + MessageHeaders.Format((long)delivery.StreamSequence), headers, cancellationToken).ConfigureAwait(false);
        await AckAsync(delivery, cancellationToken).ConfigureAwait(false);
    }

    // ---- Stopping ----

    public ValueTask StopDeliveriesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            _stop ??= StopPullingAsync();
        return new ValueTask(_stop.WaitAsync(cancellationToken));
    }

    private async Task StopPullingAsync()
    {
        await _stopPulling.CancelAsync().ConfigureAwait(false);
        await _pullLoop.ConfigureAwait(false);
        _deliveries.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) != 0) return;
        await StopDeliveriesAsync(CancellationToken.None).ConfigureAwait(false);
        await _maintenance.DisposeAsync().ConfigureAwait(false);
        // Closing without settling is the crash path: unsettled deliveries go back to the server at once.
        await Task.WhenAll(HeldDeliveries().Select(ExpireAsync)).ConfigureAwait(false);
        await _disposed.CancelAsync().ConfigureAwait(false);
        if (_bell is not null)
        {
            try
            {
                await _bell.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or ObjectDisposedException)
            {
            }
        }
        await _bellLoop.ConfigureAwait(false);
        if (_registered)
            await _channel.RemoveSubscriptionAsync().ConfigureAwait(false);
        _stopPulling.Dispose();
        _disposed.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pulling messages of channel '{Channel}' failed; retrying after the poll interval")]
    private static partial void LogPullFailed(ILogger logger, Exception ex, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle message {MessageId} of channel '{Channel}'; the server redelivers it after its ack wait")]
    private static partial void LogSettleFailed(ILogger logger, Exception ex, string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the lease of message {MessageId} of channel '{Channel}' alive")]
    private static partial void LogRenewFailed(ILogger logger, Exception ex, string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} of channel '{Channel}' was dead-lettered after losing its lease on all {Tries} deliveries")]
    private static partial void LogDeadLetteredUnhandled(ILogger logger, string channel, long messageId, int tries);
}

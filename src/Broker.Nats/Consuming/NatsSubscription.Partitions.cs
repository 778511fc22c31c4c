using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.Consuming;

// Partitions of an ordered channel's keyed messages. Each partition has a consumer with MaxAckPending = 1, so the server
// itself keeps one message of a partition out at a time, across every worker; this part only decides which partitions
// to ask, within the subscription's credit. A pull of a partition whose message is out elsewhere is not answered at once:
// nats-server holds it until it expires (1 s) or the message comes back, which hands a key over to the next worker
// without polling but holds one credit meanwhile (even a "no wait" pull waits there). So pulls go concurrently, one per
// partition at most, and only to candidates: partitions a bell named (a head was produced, settled or handed back), that
// our own retry timer named, or that held messages at the last look (stream info, once per poll interval). Requests are
// our own (PartitionRequests), and every NAK of a keyed message is preceded by a guard request (GuardAsync): the two
// things nats-server 2.9 needs to never strand a partition's message (docs/nats.md, "Ordering by key").
internal sealed partial class NatsSubscription
{
    // A request's life, and so how long a message it brings may have waited on the server since the request left: what
    // the message's lease counts from (AcceptKeyedAsync). A second, or a third of the ack wait when that is shorter, so
    // that even a guard (which lives twice as long) leaves a message a usable lease.
    private TimeSpan RequestSpan => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, _context.Options.AckWait.Ticks / 3));

    private TimeSpan PartitionPullExpiry => RequestSpan;

    // A guard outlives the moment its message becomes deliverable again by this much (the server's timers are late by
    // a few milliseconds at most).
    private TimeSpan GuardMargin => RequestSpan;

    // Hand-backs up to this delay are guarded at once, on the delivery's credit; longer ones are guarded this long
    // before they end, so that a long delay does not hold a credit.
    private TimeSpan GuardedDelayLimit => RequestSpan;

    private int _rotation;

    private Task[] PartitionPulls()
    {
        lock (_gate) return [.. _partitionPulls.Values];
    }

    private void AddCandidate(int partition)
    {
        if (!Definition.Ordered || partition < 0 || partition >= _channel.Streams.Partitions) return;
        lock (_gate) _candidates.Add(partition);
        _wake.Set();
    }

    /// <summary>Partitions holding messages now, from the work stream's subject counts: one request whatever the partition count.</summary>
    private async Task RefreshPartitionsAsync(CancellationToken cancellationToken)
    {
        var info = await _context.JetStream.GetStreamAsync(Names.WorkStream, new StreamInfoRequest { SubjectsFilter = Names.KeyedSubjects }, cancellationToken).ConfigureAwait(false);
        if (info.Info.State.Subjects is not { } subjects) return;
        lock (_gate)
        {
            foreach (var (subject, count) in subjects)
            {
                if (count > 0 && Names.PartitionOf(subject) is { } partition && partition < _channel.Streams.Partitions)
                    _candidates.Add(partition);
            }
        }
    }

    /// <summary>Starts a pull of each candidate partition, round-robin, while credit lasts; skips partitions whose message we hold.</summary>
    private void StartPartitionPulls()
    {
        lock (_gate)
        {
            var free = _settings.MaxParallel - _held.Count - _partitionPulls.Count;
            if (free <= 0 || _candidates.Count == 0) return;
            var count = _channel.Streams.Partitions;
            var holding = new HashSet<int>();
            foreach (var delivery in _held)
                if (delivery.Partition is { } p) holding.Add(p);
            foreach (var partition in _candidates.OrderBy(p => (p - _rotation + count) % count).ToArray())
            {
                if (free == 0) break;
                // Our own message of that partition is out: the next comes only after we settle it (which rings a bell).
                if (holding.Contains(partition))
                {
                    _candidates.Remove(partition);
                    continue;
                }
                if (_partitionPulls.ContainsKey(partition)) continue;
                _candidates.Remove(partition);
                _partitionPulls[partition] = Task.Run(() => PullPartitionAsync(partition, PartitionPullExpiry, null), CancellationToken.None);
                _rotation = (partition + 1) % count;
                free--;
            }
        }
    }

    /// <summary>
    /// Starts one pull of <paramref name="partition"/> unless we are stopping or one is in flight. It takes the credit of
    /// <paramref name="creditFrom"/> (a delivery about to be handed back), or else a free credit, or does not start.
    /// <paramref name="sent"/> completes once its request is on its way to the server.
    /// </summary>
    private bool TryStartPartitionPull(int partition, TimeSpan expires, NatsDelivery? creditFrom = null, TaskCompletionSource? sent = null)
    {
        lock (_gate)
        {
            if (_requests is null || _stopPulling.IsCancellationRequested || _partitionPulls.ContainsKey(partition)) return false;
            if (creditFrom is not null && !creditFrom.CreditReturned)
            {
                _held.Remove(creditFrom);
                creditFrom.CreditReturned = true;
            }
            else if (_settings.MaxParallel - _held.Count - _partitionPulls.Count <= 0)
            {
                return false;
            }
            _partitionPulls[partition] = Task.Run(() => PullPartitionAsync(partition, expires, sent), CancellationToken.None);
            return true;
        }
    }

    /// <summary>
    /// Queues a request for a keyed message's partition before the NAK that hands the message back, so that the server
    /// has a live request when the message becomes deliverable again (at once, or after <paramref name="delay"/>).
    /// nats-server before 2.10.14 drops a redelivery it picks for a pull request that has just expired when no other live
    /// request waits (the message then stays out, unsent, for a whole ack wait; docs/nats.md, "Ordering by key"); with
    /// this guard it never meets only expired requests. The guard takes the delivery's credit
    /// (<paramref name="transferCredit"/>), or a free one when the handler may still be running (a lease that ran out).
    /// A delay longer than <see cref="GuardedDelayLimit"/> is guarded shortly before it ends, if a credit is free then.
    /// </summary>
    private async Task GuardAsync(NatsDelivery delivery, TimeSpan delay, bool transferCredit = true)
    {
        if (delivery.Partition is not { } partition) return;
        if (delay > GuardedDelayLimit)
        {
            GuardLater(partition, delay);
            return;
        }
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!TryStartPartitionPull(partition, delay + GuardMargin, transferCredit ? delivery : null, sent)) return;
        await sent.Task.ConfigureAwait(false);
    }

    private void GuardLater(int partition, TimeSpan delay)
    {
        ITimer? timer = null;
        timer = _context.Time.CreateTimer(_ =>
        {
            TryStartPartitionPull(partition, GuardedDelayLimit + GuardMargin);
            timer?.Dispose();
        }, null, delay - GuardedDelayLimit, Timeout.InfiniteTimeSpan);
    }

    private async Task PullPartitionAsync(int partition, TimeSpan expires, TaskCompletionSource? sent)
    {
        try
        {
            await _channel.PartitionConsumerAsync(partition, _disposed.Token).ConfigureAwait(false);
            HandBack? handBack = null;
            while (true)
            {
                // One message: a consumer with MaxAckPending 1 refuses a larger batch.
                Task<INatsJSMsg<byte[]>?> reply;
                // The server's ack wait for what this request brings starts when the server sends it, after the request
                // left: so from here, a bound that holds however late we read the message (see AcceptKeyedAsync).
                var requestedAt = _context.Now;
                try
                {
                    reply = await _requests!.SendAsync(partition, expires, _disposed.Token).ConfigureAwait(false);
                }
                finally
                {
                    sent?.TrySetResult();
                    sent = null;
                }
                if (handBack is { } guarded)
                    await NakQuietlyAsync(guarded);
                var message = await reply.ConfigureAwait(false);
                if (message is null) return;
                handBack = await AcceptKeyedAsync(message, partition, requestedAt).ConfigureAwait(false);
                if (handBack is not { } next) return;
                if (next.Delay > GuardedDelayLimit || _stopPulling.IsCancellationRequested)
                {
                    await NakQuietlyAsync(next);
                    if (!_stopPulling.IsCancellationRequested) GuardLater(partition, next.Delay);
                    return;
                }
                // Handed back soon: our next request guards it (see GuardAsync), still on this pull's credit.
                expires = next.Delay + GuardMargin;
            }
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogPullFailed(_context.Logger, ex, Definition.Name);
        }
        finally
        {
            sent?.TrySetResult();
            lock (_gate) _partitionPulls.Remove(partition);
            _wake.Set();
        }
    }

    private async Task NakQuietlyAsync(HandBack handBack)
    {
        // Past its deadline the server may have given the message to another worker, whose delivery a NAK would release.
        if (_context.Now >= handBack.ServerDeadline - _context.SafetyMargin) return;
        try
        {
            await handBack.Message.NakAsync(new AckOpts { DoubleAck = true, NakDelay = handBack.Delay > TimeSpan.Zero ? handBack.Delay : null }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The server redelivers it after its ack wait instead.
            LogSettleFailed(_context.Logger, ex, Definition.Name, (long)(handBack.Message.Metadata?.Sequence.Stream ?? 0));
        }
    }

    /// <summary>
    /// A partition's message that came for a request we had already given up (the server was silent past its expiry,
    /// or this process was frozen with the message in its socket buffer): it is left alone, and the server redelivers
    /// it after its ack wait, counting this delivery as an attempt, as a lost lease does. How long ago the server sent
    /// it is unknown, so it may already be another worker's delivery, which a NAK (or a history record) would disturb.
    /// Rare: the server ends a request with a 408 and sends nothing to it after that.
    /// </summary>
    private Task LeaveStrayAsync(INatsJSMsg<byte[]> message, int partition)
    {
        LogStrayLeft(_context.Logger, Definition.Name, partition, (long)(message.Metadata?.Sequence.Stream ?? 0));
        return Task.CompletedTask;
    }

    /// <summary>
    /// A keyed message that arrived but must go back to the server (not due yet, or its history unreadable), and the
    /// earliest the server may give it to another worker (the NAK is skipped past that).
    /// </summary>
    private readonly record struct HandBack(INatsJSMsg<byte[]> Message, TimeSpan Delay, long ServerDeadline);

    /// <summary>
    /// Turns a keyed message into a delivery. Its tries are JetStream's delivery count less the deliveries its history
    /// says did not count; a message delivered before it is due must go back with the time left as NAK delay, holding
    /// its partition (so its key's later messages wait behind it), and is recorded as uncounted. Returns what must be
    /// handed back (the caller NAKs it, guarded), or null.
    /// </summary>
    /// <remarks>
    /// Its leases count from <paramref name="requestedAt"/>, when the request left, not from when we read the message:
    /// a request waits on the server up to its expiry, but a process frozen (or starved of threads) with the message in
    /// its socket buffer reads it arbitrarily late, when the server may have given it to another worker already. A
    /// message read past that bound is left alone (the server redelivers it after its ack wait); one read close to it
    /// gets a confirmed in-progress ack before it is handed to the runner.
    /// </remarks>
    private async Task<HandBack?> AcceptKeyedAsync(INatsJSMsg<byte[]> message, int partition, long requestedAt)
    {
        if (message.Metadata is not { } metadata) return null;
        var serverDeadline = requestedAt + _context.Ticks(_context.Options.AckWait);
        if (_context.Now >= serverDeadline - _context.SafetyMargin)
        {
            LogStrayLeft(_context.Logger, Definition.Name, partition, (long)metadata.Sequence.Stream);
            return null;
        }
        var headers = message.Headers;
        var streamSequence = metadata.Sequence.Stream;
        KeyHistoryEntry? history;
        try
        {
            // Only a message delivered before can have a history.
            history = metadata.NumDelivered > 1
                ? await KeyHistory.ReadAsync(_channel.Streams, streamSequence, _disposed.Token).ConfigureAwait(false)
                : null;
        }
        catch (Exception ex) when (Transient.IsTransient(ex))
        {
            // Without its history its tries would be miscounted: give it back (it stays the head) and try again.
            LogSettleFailed(_context.Logger, ex, Definition.Name, (long)streamSequence);
            return new HandBack(message, _context.Options.PollInterval, serverDeadline);
        }

        var due = MessageHeaders.GetLong(headers, MessageHeaders.Due) is { } dueMs ? DateTimeOffset.FromUnixTimeMilliseconds(dueMs) : DateTimeOffset.MinValue;
        var left = due - _context.Time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            var recorded = history ?? default;
            try
            {
                await KeyHistory.WriteAsync(_context.Publisher, _channel.Streams, streamSequence, metadata.NumDelivered, recorded with { Uncounted = recorded.Uncounted + 1 }, _disposed.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (Transient.IsTransient(ex))
            {
                // Held until due all the same; the cost is one try too many on its count.
                LogSettleFailed(_context.Logger, ex, Definition.Name, (long)streamSequence);
            }
            return new HandBack(message, left, serverDeadline);
        }

        var priorTries = (int)(MessageHeaders.GetLong(headers, MessageHeaders.Tries) ?? 0);
        var priorRetries = (int)(MessageHeaders.GetLong(headers, MessageHeaders.Retries) ?? 0) + (history?.Retries ?? 0);
        var priority = (int)(MessageHeaders.GetLong(headers, MessageHeaders.Priority) ?? 0);
        var producedAt = MessageHeaders.GetLong(headers, MessageHeaders.ProducedAt) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : metadata.Timestamp;
        var delivery = new NatsDelivery(
            Definition.Name,
            MessageHeaders.GetLong(headers, MessageHeaders.Id) ?? (long)streamSequence,
            message.Data ?? [],
            priorTries + (int)metadata.NumDelivered - (history?.Uncounted ?? 0),
            producedAt,
            priority,
            _context.NextLeaseToken(),
            message,
            priority,
            priorTries,
            priorRetries,
            requestedAt + _context.Ticks(_settings.LeaseDuration),
            serverDeadline,
            MessageHeaders.GetUser(headers))
        {
            Partition = partition,
            Key = MessageHeaders.GetKey(headers),
            History = history,
        };
        if (!await SecureServerLeaseAsync(delivery).ConfigureAwait(false))
        {
            LogStrayLeft(_context.Logger, Definition.Name, partition, (long)streamSequence);
            return null;
        }
        await HandOverAsync(delivery).ConfigureAwait(false);
        return null;
    }

    /// <summary>After a keyed message is settled for good: its partition's next message may go, and its history is no longer needed.</summary>
    private async Task FinishKeyedAsync(NatsDelivery delivery)
    {
        if (delivery.Partition is not { } partition) return;
        await _context.Bell.RingPartitionAsync(Names, partition).ConfigureAwait(false);
        if (delivery.History is null) return;
        try
        {
            await KeyHistory.DeleteAsync(_channel.Streams, delivery.StreamSequence, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogHistoryNotDeleted(_context.Logger, ex, Definition.Name, delivery.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Left message {StreamSequence} of partition {Partition} of channel '{Channel}' to the server's ack wait: it was read too late to be sure it is still ours")]
    private static partial void LogStrayLeft(ILogger logger, string channel, int partition, long streamSequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the history record of message {MessageId} of channel '{Channel}'; it stays behind (a few bytes, never read again)")]
    private static partial void LogHistoryNotDeleted(ILogger logger, Exception ex, string channel, long messageId);
}

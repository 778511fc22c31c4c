using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.Consuming;

// Partitions of an ordered channel's keyed messages. Each partition has a consumer with MaxAckPending = 1, so the server
// itself keeps one message of a partition out at a time, across every worker; this part only decides which partitions
// to ask, within the subscription's credit. A pull of a partition whose message is out elsewhere is not answered at once:
// nats-server holds it until it expires (1 s, the shortest NATS.Net allows) or the message comes back, which hands a
// key over to the next worker without polling but holds one credit meanwhile (even a "no wait" pull waits there). So pulls go concurrently, one per
// partition at most, and only to candidates: partitions a bell named (a head was produced, settled or handed back), that
// our own retry timer named, or that held messages at the last look (stream info, once per poll interval).
internal sealed partial class NatsSubscription
{
    private static readonly TimeSpan PartitionPullExpiry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PartitionPullHeartbeat = TimeSpan.FromMilliseconds(500);

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
                _partitionPulls[partition] = Task.Run(() => PullPartitionAsync(partition), CancellationToken.None);
                _rotation = (partition + 1) % count;
                free--;
            }
        }
    }

    private async Task PullPartitionAsync(int partition)
    {
        try
        {
            var consumer = await _channel.PartitionConsumerAsync(partition, _disposed.Token).ConfigureAwait(false);
            // One message: a consumer with MaxAckPending 1 refuses a larger batch. A waiting pull, not a "no wait" one:
            // NATS.Net sends a no-wait request without expiry, so the server keeps it after the client gave up on it
            // and may later hand the partition's message to an inbox nobody reads (its key would wait an ack wait). With
            // an expiry the server ends the request; heartbeats keep the client listening until it does.
            var opts = new NatsJSFetchOpts { MaxMsgs = 1, Expires = PartitionPullExpiry, IdleHeartbeat = PartitionPullHeartbeat };
            await foreach (var message in consumer.FetchAsync<byte[]>(opts, cancellationToken: _disposed.Token).ConfigureAwait(false))
            {
                // The lease counts from arrival, not from the request: the request may have waited up to its expiry for
                // the message to come back, and the server's ack wait starts when it sends the message. Arrival is later
                // than that by the network's latency, which the safety margin (a tenth of the ack wait) absorbs.
                await AcceptKeyedAsync(message, partition, _context.Now).ConfigureAwait(false);
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
            lock (_gate) _partitionPulls.Remove(partition);
            _wake.Set();
        }
    }

    /// <summary>
    /// Turns a keyed message into a delivery. Its tries are JetStream's delivery count less the deliveries its history
    /// says did not count; a message delivered before it is due is NAKed with the time left, holding its partition (so
    /// its key's later messages wait behind it), and recorded as uncounted.
    /// </summary>
    private async Task<bool> AcceptKeyedAsync(INatsJSMsg<byte[]> message, int partition, long arrivedAt)
    {
        if (message.Metadata is not { } metadata) return false;
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
            await message.NakAsync(new AckOpts { DoubleAck = true, NakDelay = _context.Options.PollInterval }).ConfigureAwait(false);
            return false;
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
            await message.NakAsync(new AckOpts { DoubleAck = true, NakDelay = left }).ConfigureAwait(false);
            return false;
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
            arrivedAt + _context.Ticks(_settings.LeaseDuration),
            arrivedAt + _context.Ticks(_context.Options.AckWait),
            MessageHeaders.GetUser(headers))
        {
            Partition = partition,
            Key = MessageHeaders.GetKey(headers),
            History = history,
        };
        return await HandOverAsync(delivery).ConfigureAwait(false);
    }

    /// <summary>After a keyed message is settled for good: its partition's next message may go, and its history is no longer needed.</summary>
    private async Task FinishKeyedAsync(NatsDelivery delivery)
    {
        if (delivery.Partition is not { } partition) return;
        await Bell.RingPartitionAsync(_context.Connection, Names, partition).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the history record of message {MessageId} of channel '{Channel}'; it stays behind (a few bytes, never read again)")]
    private static partial void LogHistoryNotDeleted(ILogger logger, Exception ex, string channel, long messageId);
}

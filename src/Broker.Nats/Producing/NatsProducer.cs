using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using Broker.Transport;
using NATS.Client.Core;

namespace Broker.Nats.Producing;

/// <summary>
/// Stores one message: on its priority's ready subject, or on the delayed subject with its due time, or, for a keyed
/// message of an ordered channel, on its key's partition subject (with its due time when delayed: it holds its place in
/// the partition, see docs/nats.md); with <c>Nats-Msg-Id</c> = its dedup key for ExactlyOnce (checked against the
/// ledger first), a unique id otherwise.
/// </summary>
internal sealed class NatsProducer(Publisher publisher, Bell bell, NatsTransportOptions options, TimeProvider time)
{
    /// <summary>Room left in a NATS message for our headers (ids, times, a dead letter's error).</summary>
    public const int HeaderReserve = 8 * 1024;

    public async ValueTask<ProduceResult> ProduceAsync(ChannelStreams streams, OutgoingMessage message, int serverMaxPayload, CancellationToken cancellationToken)
    {
        var channel = streams.Channel.Name;
        MessageLimits.Validate(channel, message, int.MaxValue);
        // The message's own headers travel base64-encoded in one NATS header, besides ours.
        var userHeaderBytes = message.Headers.IsEmpty ? 0 : MessageHeaders.User.Length + 4 + (message.Headers.Length + 2) / 3 * 4;
        var limit = Math.Min(options.MaxMessageBytes, serverMaxPayload - HeaderReserve - userHeaderBytes);
        if (message.Payload.Length > limit)
            throw new ArgumentException(
                $"The message for channel '{channel}' is {message.Payload.Length} bytes; the limit is {limit} bytes (NatsTransportOptions.MaxMessageBytes {options.MaxMessageBytes}, server max_payload {serverMaxPayload} less {HeaderReserve + userHeaderBytes} for headers).",
                nameof(message));
        if (message.Priority < options.MinPriority || message.Priority > options.MaxPriority)
            throw new ArgumentOutOfRangeException(nameof(message), message.Priority,
                $"Priority {message.Priority} of a message for channel '{channel}' is outside NatsTransportOptions' range {options.MinPriority} to {options.MaxPriority}: each priority in use costs NATS a subject and a consumer, so the range is bounded.");

        if (message.OrderingKey is not null && !streams.Channel.Ordered)
            throw new ArgumentException(
                $"Channel '{channel}' is not ordered, so the message's ordering key would be ignored; declare it with [Channel(..., Ordered = true)] or OrderBy, or remove the key.",
                nameof(message));

        // A plain message carries no headers of ours (NATS.Net adds Nats-Msg-Id): nothing to allocate or copy per attempt.
        var headers = message.Headers.IsEmpty && message.OrderingKey is null && message.Delay <= TimeSpan.Zero ? null : new NatsHeaders();
        if (headers is not null) MessageHeaders.SetUser(headers, message.Headers);
        string subject;
        int? partition = null;
        if (message.OrderingKey is { } key)
        {
            partition = KeyPartitions.Of(key, streams.Partitions);
            subject = streams.Names.KeyedSubject(partition.Value);
            headers![MessageHeaders.Key] = MessageHeaders.EncodeKey(key);
            headers[MessageHeaders.Priority] = MessageHeaders.Format(message.Priority);
            if (message.Delay > TimeSpan.Zero)
                headers[MessageHeaders.Due] = MessageHeaders.Format((time.GetUtcNow() + message.Delay).ToUnixTimeMilliseconds());
        }
        else if (message.Delay > TimeSpan.Zero)
        {
            subject = streams.Names.DelayedSubject;
            headers![MessageHeaders.Due] = MessageHeaders.Format((time.GetUtcNow() + message.Delay).ToUnixTimeMilliseconds());
            headers[MessageHeaders.Priority] = MessageHeaders.Format(message.Priority);
        }
        else
        {
            subject = streams.Names.ReadySubject(message.Priority);
        }

        if (message.Dedup is not { } dedup)
        {
            // A unique id: a publish retried after a timeout is then recognised as the same message.
            var ack = await publisher.PublishAsync(subject, message.Payload, "u" + Guid.NewGuid().ToString("N"), headers, cancellationToken).ConfigureAwait(false);
            await RingAsync(streams, message, partition).ConfigureAwait(false);
            return new ProduceResult(ProduceStatus.Enqueued, (long)ack.Seq);
        }

        if (dedup.Window > streams.LedgerRetention)
            throw new ArgumentOutOfRangeException(nameof(message), dedup.Window,
                $"The deduplication window {Interval.Format(dedup.Window)} of a message for channel '{channel}' is longer than the ledger keeps keys ({Interval.Format(streams.LedgerRetention)}); raise NatsTransportOptions.MaxDedupWindow.");

        var previous = await Transient.RetryAsync(ct => DedupLedger.ReadAsync(streams, dedup.Key, ct), options.ProduceRetryTimeout, time, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (previous is { } entry && now < entry.Expires)
            return new ProduceResult(ProduceStatus.Duplicate, entry.MessageId);

        var pubAck = await publisher.PublishAsync(subject, message.Payload, DedupLedger.MsgId(dedup.Key, previous), headers, cancellationToken).ConfigureAwait(false);
        // Recorded in both cases: a duplicate here means a racing producer (or our own earlier attempt that crashed
        // before this line) stored the message, and the ledger may not know it yet.
        await DedupLedger.WriteAsync(publisher, streams, dedup.Key, previous, (long)pubAck.Seq, now + dedup.Window, cancellationToken).ConfigureAwait(false);
        if (pubAck.Duplicate)
            return new ProduceResult(ProduceStatus.Duplicate, (long)pubAck.Seq);
        await RingAsync(streams, message, partition).ConfigureAwait(false);
        return new ProduceResult(ProduceStatus.Enqueued, (long)pubAck.Seq);
    }

    // A keyed message rings even when delayed: it may be its partition's head, which a worker must take (and hold) until due.
    private ValueTask RingAsync(ChannelStreams streams, OutgoingMessage message, int? partition) =>
        partition is { } p ? bell.RingPartitionAsync(streams.Names, p)
        : message.Delay > TimeSpan.Zero ? ValueTask.CompletedTask
        : bell.RingAsync(streams.Names, message.Priority);
}

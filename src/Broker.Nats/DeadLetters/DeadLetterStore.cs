using Broker.Nats.Consuming;
using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using Broker.Transport;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.DeadLetters;

/// <summary>
/// A channel's dead letters in their own stream, one subject per message id (<c>&lt;prefix&gt;.dlq.&lt;id&gt;.&lt;channel&gt;</c>),
/// so one is found, re-driven or deleted by id without scanning. Listing in id order reads the subject list (stream
/// info with a subject filter), which suits dead-letter queues of up to some hundred thousand entries.
/// </summary>
internal sealed class DeadLetterStore(NatsContext context)
{
    public async ValueTask<IReadOnlyList<DeadLetterEntry>> ListAsync(ChannelStreams streams, long afterId, int limit, CancellationToken cancellationToken)
    {
        var info = await context.JetStream.GetStreamAsync(streams.Names.DeadLetterStream, new StreamInfoRequest { SubjectsFilter = streams.Names.DeadLetterSubjects }, cancellationToken).ConfigureAwait(false);
        var ids = new List<long>();
        if (info.Info.State.Subjects is { } subjects)
        {
            foreach (var subject in subjects.Keys)
                if (streams.Names.DeadLetterIdOf(subject) is { } id && id > afterId) ids.Add(id);
        }
        ids.Sort();
        var result = new List<DeadLetterEntry>(Math.Min(limit, ids.Count));
        foreach (var id in ids)
        {
            if (result.Count >= limit) break;
            if (await GetStoredAsync(streams, id, cancellationToken).ConfigureAwait(false) is { } stored)
                result.Add(stored.Entry);
        }
        return result;
    }

    public static async ValueTask<DeadLetterEntry?> GetAsync(ChannelStreams streams, long id, CancellationToken cancellationToken) =>
        (await GetStoredAsync(streams, id, cancellationToken).ConfigureAwait(false))?.Entry;

    public async ValueTask<bool> RedriveAsync(ChannelStreams streams, long id, CancellationToken cancellationToken)
    {
        if (await GetStoredAsync(streams, id, cancellationToken).ConfigureAwait(false) is not { } stored) return false;
        var entry = stored.Entry;
        // A fresh attempt budget: no prior tries. The msg id is the dead letter's own sequence, so a retried re-drive collapses.
        var headers = MessageCopies.Headers(entry.Id, entry.ProducedAt, 0, 0, entry.Priority, entry.Headers);
        // A keyed one goes back to its key's partition, at the back of it (see docs/nats.md, "Ordering by key").
        int? partition = null;
        string subject;
        if (stored.Key is { } key && streams.Channel.Ordered)
        {
            partition = KeyPartitions.Of(key, streams.Partitions);
            subject = streams.Names.KeyedSubject(partition.Value);
            headers[MessageHeaders.Key] = MessageHeaders.EncodeKey(key);
        }
        else
        {
            subject = streams.Names.ReadySubject(entry.Priority);
        }
        await context.Publisher.PublishAsync(subject, entry.Payload, "r" + MessageHeaders.Format((long)stored.Sequence), headers, cancellationToken).ConfigureAwait(false);
        var purged = await PurgeAsync(streams, id, stored.Sequence + 1, cancellationToken).ConfigureAwait(false);
        if (partition is { } p)
            await context.Bell.RingPartitionAsync(streams.Names, p).ConfigureAwait(false);
        else
            await context.Bell.RingAsync(streams.Names, entry.Priority).ConfigureAwait(false);
        return purged;
    }

    public static ValueTask<bool> DeleteAsync(ChannelStreams streams, long id, CancellationToken cancellationToken) =>
        PurgeAsync(streams, id, null, cancellationToken);

    private static async ValueTask<bool> PurgeAsync(ChannelStreams streams, long id, ulong? beforeSequence, CancellationToken cancellationToken)
    {
        var request = new StreamPurgeRequest { Filter = streams.Names.DeadLetterSubject(id) };
        if (beforeSequence is { } seq) request.Seq = seq;
        var response = await streams.DeadLetters.PurgeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Purged > 0;
    }

    private static async ValueTask<(DeadLetterEntry Entry, ulong Sequence, string? Key)?> GetStoredAsync(ChannelStreams streams, long id, CancellationToken cancellationToken)
    {
        StreamMsgGetResponse response;
        try
        {
            response = await streams.DeadLetters.GetAsync(new StreamMsgGetRequest { LastBySubj = streams.Names.DeadLetterSubject(id) }, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
        var message = response.Message;
        var headers = MessageHeaders.ParseStored(message.Hdrs);
        var entry = new DeadLetterEntry(
            id,
            streams.Channel.Name,
            message.Data.ToArray(),
            (int)(MessageHeaders.GetLong(headers, MessageHeaders.Tries) ?? 0),
            MessageHeaders.DecodeError(MessageHeaders.GetString(headers, MessageHeaders.Error)),
            MessageHeaders.GetLong(headers, MessageHeaders.ProducedAt) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : message.Time,
            message.Time,
            (int)(MessageHeaders.GetLong(headers, MessageHeaders.Priority) ?? 0))
        {
            Headers = MessageHeaders.GetUser(headers),
        };
        return (entry, message.Seq, MessageHeaders.GetKey(headers));
    }
}

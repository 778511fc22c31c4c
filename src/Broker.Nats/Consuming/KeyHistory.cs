using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.Consuming;

/// <summary>What a keyed message's deliveries were besides attempts: released or delivered before due (uncounted), and retries the handler asked for.</summary>
internal readonly record struct KeyHistoryEntry(int Uncounted, int Retries);

/// <summary>
/// The history of a keyed message, kept beside it because it never leaves its place. An unkeyed message that is handed
/// back or retried on request is re-published as a copy carrying its history in headers (see <c>MessageCopies</c>);
/// a keyed one must keep its place in its partition, so it is NAKed instead, and JetStream's delivery count then
/// counts every delivery. The deliveries that must not count (a release, a delivery before the message was due) and
/// the retries the handler asked for are recorded here, one message per keyed message (subject: its stream sequence)
/// in the channel's history stream, written before the NAK and read only when a message is delivered again. The record
/// is deleted once the message is settled for good; a crash between the two leaves a few bytes behind, harmless
/// because stream sequences never repeat.
/// </summary>
internal static class KeyHistory
{
    public static async ValueTask<KeyHistoryEntry?> ReadAsync(ChannelStreams streams, ulong streamSequence, CancellationToken cancellationToken)
    {
        StreamMsgGetResponse response;
        try
        {
            response = await streams.History!.GetAsync(new StreamMsgGetRequest { LastBySubj = streams.Names.HistorySubject(streamSequence) }, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
        var headers = MessageHeaders.ParseStored(response.Message.Hdrs);
        return new KeyHistoryEntry(
            (int)(MessageHeaders.GetLong(headers, MessageHeaders.Uncounted) ?? 0),
            (int)(MessageHeaders.GetLong(headers, MessageHeaders.Retries) ?? 0));
    }

    /// <summary>Records the history as of delivery <paramref name="delivered"/>; a retried write of the same delivery collapses.</summary>
    public static async ValueTask WriteAsync(Publisher publisher, ChannelStreams streams, ulong streamSequence, ulong delivered, KeyHistoryEntry entry, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders
        {
            [MessageHeaders.Uncounted] = MessageHeaders.Format(entry.Uncounted),
            [MessageHeaders.Retries] = MessageHeaders.Format(entry.Retries),
        };
        var msgId = "h" + MessageHeaders.Format((long)streamSequence) + "." + MessageHeaders.Format((long)delivered);
        await publisher.PublishAsync(streams.Names.HistorySubject(streamSequence), ReadOnlyMemory<byte>.Empty, msgId, headers, cancellationToken).ConfigureAwait(false);
    }

    public static async ValueTask DeleteAsync(ChannelStreams streams, ulong streamSequence, CancellationToken cancellationToken) =>
        await streams.History!.PurgeAsync(new StreamPurgeRequest { Filter = streams.Names.HistorySubject(streamSequence) }, cancellationToken).ConfigureAwait(false);
}

using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.Producing;

/// <summary>
/// Remembers accepted deduplication keys in a stream of their own, so ExactlyOnce keeps its promise where JetStream's
/// native duplicate window does not:
/// <list type="bullet">
/// <item>after a server restart JetStream rebuilds its window only from messages still stored, and a work-queue stream
/// has already removed the consumed ones, so their keys would be accepted again;</item>
/// <item>the native window is one per stream, while a produce call may ask for its own window.</item>
/// </list>
/// One subject per key (<c>MaxMsgsPerSubject = 1</c>), aged out after the longest window. Each entry holds the id of
/// the accepted message and when the key stops blocking. The native window stays on as the second line: the message
/// is published with <c>Nats-Msg-Id</c> = the key (plus the generation, see <see cref="MsgId"/>), which makes two
/// producers racing on one key, and a producer retrying after a crash between publish and ledger write, collapse into
/// one message.
/// </summary>
internal static class DedupLedger
{
    /// <summary>An accepted key: the ledger's sequence for it (its generation), the message id, and when it expires.</summary>
    public readonly record struct Entry(ulong Sequence, long MessageId, DateTimeOffset Expires);

    /// <summary>
    /// The <c>Nats-Msg-Id</c> of a key's next message: the 32 hex digits of the key, then <c>.</c> and the ledger
    /// sequence of the previous acceptance when there was one. A new generation after the window ended must not be
    /// mistaken by the native window for the previous one.
    /// </summary>
    public static string MsgId(UInt128 key, Entry? previous) =>
        previous is { } entry ? ChannelNames.KeyHex(key) + "." + MessageHeaders.Format((long)entry.Sequence) : ChannelNames.KeyHex(key);

    public static async ValueTask<Entry?> ReadAsync(ChannelStreams streams, UInt128 key, CancellationToken cancellationToken)
    {
        StreamMsgGetResponse response;
        try
        {
            response = await streams.Ledger.GetAsync(new StreamMsgGetRequest { LastBySubj = streams.Names.LedgerSubject(key) }, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
        var headers = MessageHeaders.ParseStored(response.Message.Hdrs);
        var id = MessageHeaders.GetLong(headers, MessageHeaders.Id);
        var expires = MessageHeaders.GetLong(headers, MessageHeaders.Expires);
        if (id is null || expires is null) return null;
        return new Entry(response.Message.Seq, id.Value, DateTimeOffset.FromUnixTimeMilliseconds(expires.Value));
    }

    /// <summary>
    /// Records an acceptance, unless another producer recorded one for the key since <paramref name="previous"/> was
    /// read (then that one stands: the window counts from the first accepted message).
    /// </summary>
    public static async ValueTask WriteAsync(Publisher publisher, ChannelStreams streams, UInt128 key, Entry? previous, long messageId, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders
        {
            [MessageHeaders.Id] = MessageHeaders.Format(messageId),
            [MessageHeaders.Expires] = MessageHeaders.Format(expires.ToUnixTimeMilliseconds()),
        };
        try
        {
            // The ledger's own msg id makes a retried write collapse; the expected sequence makes a concurrent one fail.
            var msgId = "l" + MessageHeaders.Format(messageId);
            await publisher.PublishAsync(streams.Names.LedgerSubject(key), ReadOnlyMemory<byte>.Empty, msgId, headers, cancellationToken, previous?.Sequence ?? 0).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == 10071)
        {
            // Wrong last sequence: another producer recorded an acceptance since we read; the earlier one stands.
        }
    }
}

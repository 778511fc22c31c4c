using Broker.Nats.Naming;
using NATS.Client.Core;

namespace Broker.Nats.Consuming;

/// <summary>
/// Headers of a re-published copy of a message. JetStream cannot change a stored message, and its delivery count
/// restarts with each new stream message, so a copy carries the message's identity and history instead.
/// </summary>
internal static class MessageCopies
{
    public static NatsHeaders Headers(long id, DateTimeOffset producedAt, int tries, int retries, int priority, ReadOnlyMemory<byte> user)
    {
        var headers = new NatsHeaders
        {
            [MessageHeaders.Id] = MessageHeaders.Format(id),
            [MessageHeaders.ProducedAt] = MessageHeaders.Format(producedAt.ToUnixTimeMilliseconds()),
            [MessageHeaders.Priority] = MessageHeaders.Format(priority),
        };
        if (tries > 0) headers[MessageHeaders.Tries] = MessageHeaders.Format(tries);
        if (retries > 0) headers[MessageHeaders.Retries] = MessageHeaders.Format(retries);
        MessageHeaders.SetUser(headers, user);
        return headers;
    }

    /// <summary>The msg id of the copy made from one stream message: each is copied at most once, so a retried copy collapses.</summary>
    public static string CopyId(ulong streamSequence) => "c" + MessageHeaders.Format((long)streamSequence);
}

namespace Broker.Protocol;

/// <summary>
/// The type byte of a frame. Values up to 134 are Deepkit's (<c>RpcTypes</c> and <c>BrokerType</c> of
/// <c>@deepkit/rpc</c> and <c>@deepkit/broker</c> 1.0.19), so a TypeScript Deepkit client can produce and consume;
/// values from 160 are Broker's own, for what Deepkit's queue lacks. docs/protocol.md describes every body.
/// </summary>
public enum MessageType : byte
{
    /// <summary>Deepkit: the request succeeded; no body.</summary>
    Ack = 0,

    /// <summary>Deepkit: the request failed, or the connection is about to close: <c>{classType: "", message, stack, properties?}</c>.</summary>
    Error = 1,

    /// <summary>Deepkit: one slice of a frame of 100,000 bytes or more: <c>{seq, total, v}</c>.</summary>
    Chunk = 2,

    /// <summary>Deepkit: the answer to every chunk; no body.</summary>
    ChunkAck = 3,

    /// <summary>Deepkit: <c>{token}</c> (or Broker's <c>{user, password}</c>), the first frame when credentials are required.</summary>
    Authenticate = 6,

    /// <summary>Deepkit: authentication succeeded: <c>{username}</c>.</summary>
    AuthenticateResponse = 13,

    /// <summary>Deepkit: store a message: <c>{process, deduplicationInterval, hash?, delay, priority, c, v}</c>; answered by Ack.</summary>
    QueuePublish = 126,

    /// <summary>Deepkit: consume a channel: <c>{c, maxParallel}</c>; answered by Ack.</summary>
    QueueSubscribe = 127,

    /// <summary>Deepkit: stop consuming a channel: <c>{c}</c>; answered by Ack.</summary>
    QueueUnsubscribe = 128,

    /// <summary>Deepkit: a delivery pushed to a Deepkit consumer (route 1): <c>{c, id, v}</c>.</summary>
    QueueResponseHandleMessage = 129,

    /// <summary>Deepkit: a consumer's verdict on a delivery: <c>{c, id, success, error, delay}</c>; answered by Ack.</summary>
    QueueMessageHandled = 130,

    /// <summary>Broker: opens or resumes a producer session: <c>{v, s, n?}</c>; answered by Welcome.</summary>
    Hello = 160,

    /// <summary>Broker: the server's limits and whether the session was resumed: <c>{v, r, m, f, n}</c>.</summary>
    Welcome = 161,

    /// <summary>Broker: a channel's policy: <c>{c, p, w, a, r}</c>; answered by Ack.</summary>
    Declare = 162,

    /// <summary>Broker: store a message with its dedup key and produce sequence: <c>{c, v, q?, w?, k?, d?, t?, p?}</c>; answered by Produced.</summary>
    Produce = 163,

    /// <summary>Broker: the outcome of a produce: <c>{s, i}</c>.</summary>
    Produced = 164,

    /// <summary>Broker: consume a channel with credit and lease: <c>{c, s, m, l}</c>; answered by Ack.</summary>
    Subscribe = 165,

    /// <summary>Broker: a delivery pushed to a subscription (route 1): <c>{s, i, t, a, p, k, v}</c>.</summary>
    Delivery = 166,

    /// <summary>Broker: complete, fail, retry or release a delivery: <c>{s, i, k, o, d?, e?}</c>; answered by Settled.</summary>
    Settle = 167,

    /// <summary>Broker: the outcome of a settle: <c>{o}</c>.</summary>
    Settled = 168,

    /// <summary>Broker: extend a delivery's lease: <c>{s, i, k}</c>; answered by Result.</summary>
    Renew = 169,

    /// <summary>Broker: a yes/no answer: <c>{r}</c>.</summary>
    Result = 170,

    /// <summary>Broker: stop deliveries to a subscription, keeping its leases: <c>{s}</c>; answered by Ack after its last push.</summary>
    StopDeliveries = 171,

    /// <summary>Broker: close a subscription (its leases are lost): <c>{s}</c>; answered by Ack.</summary>
    Unsubscribe = 172,

    /// <summary>Broker: list dead letters: <c>{c, a, n}</c>; answered by DeadLetters.</summary>
    ListDeadLetters = 173,

    /// <summary>Broker: dead letters: <c>{d: [...], m}</c>.</summary>
    DeadLetters = 174,

    /// <summary>Broker: one dead letter: <c>{c, i}</c>; answered by DeadLetters with zero or one entry.</summary>
    GetDeadLetter = 175,

    /// <summary>Broker: put a dead letter back on its channel: <c>{c, i}</c>; answered by Result.</summary>
    RedriveDeadLetter = 176,

    /// <summary>Broker: delete a dead letter: <c>{c, i}</c>; answered by Result.</summary>
    DeleteDeadLetter = 177,

    /// <summary>Broker: a channel's counts: <c>{c}</c>; answered by StatsReply.</summary>
    Stats = 178,

    /// <summary>Broker: a channel's counts: <c>{c, r, d, l, x, k, s, i}</c>.</summary>
    StatsReply = 179,

    /// <summary>Broker: a page of channels in name order: <c>{a?, n}</c>; answered by Channels.</summary>
    ListChannels = 180,

    /// <summary>Broker: channels with their counts: <c>{t, r: [...], m}</c>.</summary>
    Channels = 181,

    /// <summary>Broker: one channel's counts: <c>{c}</c>; answered by Channels with zero or one row.</summary>
    GetChannel = 182,

    /// <summary>Broker: copy a channel's unfinished messages without consuming them: <c>{c, a, n}</c>; answered by Peeked.</summary>
    Peek = 183,

    /// <summary>Broker: peeked messages: <c>{d: [...], m}</c>.</summary>
    Peeked = 184,

    /// <summary>Broker: remove a channel's ready and delayed messages: <c>{c}</c>; answered by Purged.</summary>
    Purge = 185,

    /// <summary>Broker: how many messages a purge removed: <c>{n}</c>.</summary>
    Purged = 186,

    /// <summary>Broker: the server's own figures: <c>{}</c>; answered by Status.</summary>
    ServerStatus = 187,

    /// <summary>Broker: the server's own figures: <c>{k, d, r, t, s, c, p, x, v, o, l?}</c>.</summary>
    Status = 188,
}

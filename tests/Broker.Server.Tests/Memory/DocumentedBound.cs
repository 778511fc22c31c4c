using Broker.Server.Configuration;

namespace Broker.Server.Tests.Memory;

/// <summary>
/// The per-connection memory bound docs/server.md ("Limits and memory") states, worked out from the settings the same
/// way, so the tests hold the server to what the documentation promises.
/// </summary>
internal static class DocumentedBound
{
    /// <summary>Lease bookkeeping per unsettled delivery, generously (the engine test measures about 300 bytes).</summary>
    public const long LeaseBytes = 320;

    /// <summary>A reply that never waits for room (an Ack, a Produced, a Settled, an Error's text), generously.</summary>
    public const long ReplyBytes = 256;

    /// <summary>Replies that never wait for room: one per request in flight, and one for the frame just handled.</summary>
    public static long Replies(BrokerServerOptions options) => (options.MaxInFlightRequests + 1L) * ReplyBytes;

    /// <summary>The frame being read, in a pooled array of up to twice its size.</summary>
    public static long ReadBuffer(BrokerServerOptions options) => 2L * options.MaxFrameBytes;

    /// <summary>
    /// The outbound queue: its bytes (the limit, and the replies that never wait) live in two pooled buffers, one being
    /// written to the socket and one filling, each up to twice the queue; and the payload being copied into it.
    /// </summary>
    public static long Outbound(BrokerServerOptions options) => 4 * (options.MaxOutboundBytes + Replies(options)) + options.MaxFrameBytes;

    /// <summary>
    /// What a connection that only consumes, and never reads its socket, can hold: the frame being read, the outbound
    /// queue, and the lease bookkeeping of the credit its subscriptions asked for.
    /// </summary>
    public static long StuckSubscriber(BrokerServerOptions options, long credit) =>
        ReadBuffer(options) + Outbound(options) + Math.Min(credit, options.MaxUnsettled) * LeaseBytes;

    /// <summary>The whole per-connection bound: the stuck subscriber's, with chunked frames and payloads being stored besides.</summary>
    public static long Connection(BrokerServerOptions options) =>
        StuckSubscriber(options, options.MaxUnsettled) + 2 * 4L * options.MaxFrameBytes + 2 * ((long)options.MaxInFlightBytes + options.MaxMessageBytes);
}

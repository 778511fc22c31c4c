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

    /// <summary>
    /// What the metrics exporter holds per channel for the engine's four gauges, besides the name: a label set shared by
    /// the four (its UTF-8 text, its key, its table entries) and four series, generously (docs/server.md: about 700).
    /// </summary>
    public const long MetricsChannelBytes = 800;

    /// <summary>
    /// What the metrics exporter holds for the engine's four gauges of <paramref name="channels"/> channels named in
    /// <paramref name="nameChars"/> ASCII characters, between scrapes: the series, and the scrape's text twice (the cached
    /// one, and as many free chunks to render the next one into), in 64 KiB chunks.
    /// </summary>
    public static long Metrics(int channels, int nameChars, long scrapeBytes) =>
        channels * (MetricsChannelBytes + nameChars) + 2 * Chunked(scrapeBytes);

    /// <summary>
    /// The most, once responses have held older texts: the chunks of as many texts as the collector lets be alive (the
    /// one it renders among them), which the pool keeps for the next scrapes.
    /// </summary>
    public static long MetricsWhileSending(int channels, int nameChars, long scrapeBytes) =>
        channels * (MetricsChannelBytes + nameChars) + Prometheus.MetricsCollector.MaxExpositions * Chunked(scrapeBytes);

    private static long Chunked(long bytes) => (bytes + 65535) / 65536 * (65536 + 24);
}

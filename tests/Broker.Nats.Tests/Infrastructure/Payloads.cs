using System.Text;
using Broker.Transport;

namespace Broker.Nats.Tests.Infrastructure;

/// <summary>Transport-level messages: the adapter moves opaque bytes, so the tests use readable ones.</summary>
public static class Payloads
{
    public static ReadOnlyMemory<byte> Of(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(this Delivery delivery) => Encoding.UTF8.GetString(delivery.Payload.Span);

    public static string Text(this DeadLetterEntry entry) => Encoding.UTF8.GetString(entry.Payload.Span);

    public static ChannelMessage Message(ChannelDefinition channel, string text, TimeSpan delay = default, int priority = 0, Deduplication? dedup = null) =>
        new(channel, Of(text), dedup ?? (channel.Process == QueueMessageProcessing.ExactlyOnce ? new Deduplication(Key(text), channel.DedupInterval) : null), delay, priority);

    /// <summary>A deterministic 128-bit key for a text (the channel runtime would hash the BSON bytes).</summary>
    public static UInt128 Key(string text) => System.IO.Hashing.XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(text));

    public static async Task<Delivery> NextAsync(this ITransportSubscription subscription) =>
        await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
}

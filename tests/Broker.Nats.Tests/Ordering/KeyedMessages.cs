using Broker.Nats.Naming;
using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Nats.Tests.Ordering;

/// <summary>Keyed produces at the transport level (the conformance library's ChannelMessage has no key yet).</summary>
internal static class KeyedMessages
{
    public static async Task<ProduceResult> ProduceAsync(this IQueueTransport transport, ChannelDefinition channel, string text, string? key, TimeSpan delay = default, int priority = 0)
    {
        var handle = await transport.OpenChannelAsync(channel, CancellationToken.None);
        return await handle.ProduceAsync(new OutgoingMessage(Payloads.Of(text), null, delay, priority) { OrderingKey = key }, CancellationToken.None);
    }

    /// <summary>A key whose partition differs from <paramref name="other"/>'s, so the two are not serialized by sharing one.</summary>
    public static string KeyBesides(string other, int partitions)
    {
        var taken = KeyPartitions.Of(other, partitions);
        for (var i = 0; ; i++)
        {
            var candidate = "other-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (KeyPartitions.Of(candidate, partitions) != taken) return candidate;
        }
    }
}

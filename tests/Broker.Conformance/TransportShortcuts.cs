using Broker;

namespace Broker.Transport;

/// <summary>A message for a channel, as tests write it: the channel and the message that goes through its handle.</summary>
/// <param name="Channel">The channel (opened, so declared, before the produce).</param>
/// <param name="Payload">The BSON document.</param>
/// <param name="Dedup">The deduplication, if any.</param>
/// <param name="Delay">The delay.</param>
/// <param name="Priority">The priority.</param>
public readonly record struct ChannelMessage(ChannelDefinition Channel, ReadOnlyMemory<byte> Payload, Deduplication? Dedup, TimeSpan Delay, int Priority)
{
    /// <summary>The headers, encoded; empty for none.</summary>
    public ReadOnlyMemory<byte> Headers { get; init; }

    /// <summary>The ordering key; null for none.</summary>
    public string? OrderingKey { get; init; }

    /// <summary>The message as a channel handle takes it.</summary>
    public OutgoingMessage Message => new(Payload, Dedup, Delay, Priority) { Headers = Headers, OrderingKey = OrderingKey };
}

/// <summary>
/// Tests speak to a transport one call at a time, naming the channel each time: these open the channel's handle (which
/// declares it; again is harmless) and make the call through it, exactly as <see cref="QueueChannel{T}"/> does.
/// </summary>
public static class TransportShortcuts
{
    public static async ValueTask<ProduceResult> ProduceAsync(this IQueueTransport transport, ChannelMessage message, CancellationToken cancellationToken)
    {
        var channel = await transport.OpenChannelAsync(message.Channel, cancellationToken);
        return await channel.ProduceAsync(message.Message, cancellationToken);
    }

    public static async ValueTask<ITransportSubscription> SubscribeAsync(this IQueueTransport transport, ChannelDefinition channel, SubscriptionSettings settings, CancellationToken cancellationToken)
    {
        var handle = await transport.OpenChannelAsync(channel, cancellationToken);
        return await handle.SubscribeAsync(settings, cancellationToken);
    }

    public static async ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(this IQueueTransport transport, ChannelDefinition channel, long afterId, int limit, CancellationToken cancellationToken)
    {
        var handle = await transport.OpenChannelAsync(channel, cancellationToken);
        return await handle.ListDeadLettersAsync(afterId, limit, cancellationToken);
    }

    public static async ValueTask<DeadLetterEntry?> GetDeadLetterAsync(this IQueueTransport transport, ChannelDefinition channel, long id, CancellationToken cancellationToken)
    {
        var handle = await transport.OpenChannelAsync(channel, cancellationToken);
        return await handle.GetDeadLetterAsync(id, cancellationToken);
    }

    public static async ValueTask<bool> RedriveDeadLetterAsync(this IQueueTransport transport, ChannelDefinition channel, long id, CancellationToken cancellationToken)
    {
        var handle = await transport.OpenChannelAsync(channel, cancellationToken);
        return await handle.RedriveDeadLetterAsync(id, cancellationToken);
    }

    public static async ValueTask<bool> DeleteDeadLetterAsync(this IQueueTransport transport, ChannelDefinition channel, long id, CancellationToken cancellationToken)
    {
        var handle = await transport.OpenChannelAsync(channel, cancellationToken);
        return await handle.DeleteDeadLetterAsync(id, cancellationToken);
    }
}

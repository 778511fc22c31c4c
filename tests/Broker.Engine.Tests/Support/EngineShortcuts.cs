using Broker.Transport;

namespace Broker.Engine.Tests;

/// <summary>
/// Engine tests name the channel with each call, as a channel handle does for them: these declare the channel (the
/// same declaration again changes nothing) and call the engine by name.
/// </summary>
public static class EngineShortcuts
{
    public static async ValueTask<ProduceResult> ProduceAsync(this QueueEngine engine, ChannelMessage message, CancellationToken cancellationToken = default)
    {
        await engine.DeclareAsync(message.Channel, cancellationToken);
        return await engine.ProduceAsync(message.Channel.Name, message.Message, cancellationToken);
    }

    public static async ValueTask<EngineSubscription> SubscribeAsync(this QueueEngine engine, ChannelDefinition channel, SubscriptionSettings settings, CancellationToken cancellationToken = default)
    {
        await engine.DeclareAsync(channel, cancellationToken);
        return await engine.SubscribeAsync(channel.Name, settings, cancellationToken);
    }
}

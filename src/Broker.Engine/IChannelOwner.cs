namespace Broker.Engine;

/// <summary>What keeps a <see cref="ChannelQueue"/>: told when the channel holds nothing, so it can drop it.</summary>
internal interface IChannelOwner
{
    /// <summary>
    /// Called under the channel's lock once it holds nothing. The owner drops it, makes sure a channel of the same name
    /// created later starts its ids above <paramref name="lastId"/>, and lets the store forget it.
    /// </summary>
    /// <param name="queue">The channel, marked forgotten: every later call on it is refused or sent to its successor.</param>
    /// <param name="lastId">The highest id it handed out.</param>
    void Forget(ChannelQueue queue, long lastId);

    /// <summary>The channel's declared policy, or the defaults: read when a retry or dead letter is decided, so a later declaration applies at once.</summary>
    /// <param name="channel">The channel name.</param>
    ChannelDefinition PolicyOf(string channel);
}

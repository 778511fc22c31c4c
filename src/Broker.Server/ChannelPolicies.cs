using System.Collections.Concurrent;
using Broker.Protocol;

namespace Broker.Server;

/// <summary>
/// The last policy declared for each channel (MaxAttempts, RetryDelay, dedup default). Broker's clients declare it
/// once per connection; every produce and subscribe, Deepkit's included, runs under it. A channel nobody declared
/// since the server started has the defaults. At most <paramref name="capacity"/> policies are kept: past that, those of
/// channels the engine no longer holds are dropped (a channel is declared again by the next client that uses it), and
/// when every kept policy belongs to a held channel a new one is refused, as the channel itself would be.
/// </summary>
/// <param name="capacity">The server's channel limit.</param>
/// <param name="isHeld">Whether the engine holds a channel now.</param>
internal sealed class ChannelPolicies(int capacity, Func<string, bool> isHeld)
{
    private readonly ConcurrentDictionary<string, ChannelDefinition> _channels = new(StringComparer.Ordinal);
    private readonly Lock _pruneGate = new();

    public int Count => _channels.Count;

    /// <exception cref="ProtocolException">A new channel while every kept policy belongs to a channel the engine holds.</exception>
    public void Declare(ChannelDefinition channel)
    {
        if (!_channels.ContainsKey(channel.Name) && _channels.Count >= capacity)
        {
            lock (_pruneGate)
            {
                foreach (var name in _channels.Keys)
                {
                    if (!isHeld(name))
                        _channels.TryRemove(name, out _);
                }
                if (_channels.Count >= capacity)
                {
                    throw new ProtocolException(ErrorCodes.LimitReached,
                        $"Channel '{channel.Name}' cannot be declared: the server holds {capacity} channels, its limit (--max-channels).");
                }
            }
        }
        _channels[channel.Name] = channel;
    }

    /// <summary>The declared policy, or the defaults (kept while there is room, so a Deepkit producer does not build one per message).</summary>
    /// <exception cref="ArgumentException">The name breaks the channel name rules.</exception>
    public ChannelDefinition Get(string name)
    {
        if (_channels.TryGetValue(name, out var channel))
            return channel;
        channel = new ChannelDefinition(name);
        return _channels.Count < capacity ? _channels.GetOrAdd(name, channel) : channel;
    }
}

using System.Collections.Concurrent;

namespace Broker.Server;

/// <summary>
/// The last policy declared for each channel (MaxAttempts, RetryDelay, dedup default). Broker's clients declare it
/// once per connection; every produce and subscribe, Deepkit's included, runs under it. A channel nobody declared
/// since the server started has the defaults.
/// </summary>
internal sealed class ChannelPolicies
{
    private readonly ConcurrentDictionary<string, ChannelDefinition> _channels = new(StringComparer.Ordinal);

    public void Declare(ChannelDefinition channel) => _channels[channel.Name] = channel;

    /// <exception cref="ArgumentException">The name breaks the channel name rules.</exception>
    public ChannelDefinition Get(string name) =>
        _channels.TryGetValue(name, out var channel) ? channel : _channels.GetOrAdd(name, static n => new ChannelDefinition(n));
}

using System.Collections.Concurrent;
using Broker.Engine.Storage;

namespace Broker.Engine;

/// <summary>
/// The declared policy of each channel (deduplication mode and window, attempts, retry delay): the one place the engine
/// keeps it. Opening a channel declares it; the last declaration wins and is persisted through the store, so a durable
/// engine applies it after a restart before anyone declares it again. A channel nobody declared has the defaults.
/// </summary>
/// <remarks>
/// Policies outlive the channels' state (a declared channel that holds nothing costs only its policy), so the table is
/// bounded too: past <c>capacity</c> policies, those of channels the engine no longer holds are dropped, and when every
/// kept policy belongs to a held channel a new declaration is refused as a new channel would be.
/// </remarks>
internal sealed class ChannelPolicyTable(int capacity, Func<string, bool> isHeld, IQueueStore store)
{
    private readonly ConcurrentDictionary<string, ChannelDefinition> _policies = new(StringComparer.Ordinal);
    // Declarations are rare (once per channel handle): one lock keeps the table, its bound and the store's order in step.
    private readonly Lock _gate = new();

    /// <summary>How many policies are kept.</summary>
    public int Count => _policies.Count;

    /// <summary>The declared policy, or null when the channel has none.</summary>
    public ChannelDefinition? Find(string channel) => _policies.GetValueOrDefault(channel);

    /// <summary>The declared policy, or the defaults.</summary>
    public ChannelDefinition PolicyOf(string channel) => Find(channel) ?? new ChannelDefinition(channel);

    /// <summary>Sets a channel's policy and starts recording it; a declaration equal to the kept one changes nothing.</summary>
    /// <param name="policy">The declaration.</param>
    /// <param name="previous">The policy it replaced; null when the channel had none (or the same).</param>
    /// <returns>Completes when the store holds it.</returns>
    /// <exception cref="ChannelLimitException">The table is full of policies of channels the engine holds.</exception>
    public ValueTask Declare(ChannelDefinition policy, out ChannelDefinition? previous)
    {
        previous = null;
        if (_policies.TryGetValue(policy.Name, out var kept) && kept.Equals(policy))
            return ValueTask.CompletedTask;
        lock (_gate)
        {
            if (_policies.TryGetValue(policy.Name, out kept))
            {
                if (kept.Equals(policy))
                    return ValueTask.CompletedTask;
                previous = kept;
            }
            else if (_policies.Count >= capacity)
            {
                MakeRoomLocked(policy.Name);
            }
            _policies[policy.Name] = policy;
            try
            {
                // Under the lock: the store records declarations in the order they took effect, so a replay ends with the last.
                return store.DeclareAsync(policy);
            }
            catch
            {
                // Not recorded (a full disk, a stopped log): the declaration did not happen, here either.
                if (previous is not null) _policies[policy.Name] = previous;
                else _policies.TryRemove(policy.Name, out _);
                throw;
            }
        }
    }

    /// <summary>A policy the store replayed.</summary>
    public void Replay(ChannelDefinition policy) => _policies[policy.Name] = policy;

    private void MakeRoomLocked(string channel)
    {
        foreach (var name in _policies.Keys)
        {
            if (!isHeld(name) && _policies.TryRemove(name, out _))
                store.ForgetPolicy(name);
        }
        if (_policies.Count >= capacity)
            throw new ChannelLimitException(channel, capacity);
    }
}

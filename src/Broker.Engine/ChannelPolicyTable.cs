using System.Collections.Concurrent;
using Broker.Engine.Storage;

namespace Broker.Engine;

/// <summary>
/// The declared policy of each channel (attempts, retry delay; the dedup mode and window it records are applied by
/// producers, not here): the one place the engine
/// keeps it. Opening a channel declares it; the last declaration wins and is persisted through the store, so a durable
/// engine applies it after a restart before anyone declares it again. A channel nobody declared has the defaults.
/// </summary>
/// <remarks>
/// Policies outlive the channels' state (a declared channel that holds nothing costs only its policy), so the table is
/// bounded too: past <c>capacity</c> policies, those of channels the engine no longer holds are dropped, and when every
/// kept policy belongs to a held channel a new declaration is refused as a new channel would be.
/// </remarks>
internal sealed class ChannelPolicyTable(int capacity, Func<string, bool> isHeld, IQueueStore store, TimeProvider time)
{
    /// <summary>How often one channel's policy changes are reported: a client flipping it thousands of times a second must not flood the log.</summary>
    public static readonly TimeSpan ChangeReportInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, ChannelDefinition> _policies = new(StringComparer.Ordinal);
    // Guarded by _gate: the store's write of each channel's last declaration, so an equal declaration made while it is
    // still on its way is answered only when it is durable; and when each channel's changes were last reported.
    private readonly Dictionary<string, Task> _recording = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChangeReport> _reports = new(StringComparer.Ordinal);
    // Declarations are rare (once per channel handle): one lock keeps the table, its bound and the store's order in step.
    private readonly Lock _gate = new();

    /// <summary>The declared policy, or null when the channel has none.</summary>
    public ChannelDefinition? Find(string channel) => _policies.GetValueOrDefault(channel);

    /// <summary>The declared policy, or the defaults.</summary>
    public ChannelDefinition PolicyOf(string channel) => Find(channel) ?? new ChannelDefinition(channel);

    /// <summary>Sets a channel's policy and starts recording it; a declaration equal to the kept one changes nothing.</summary>
    /// <param name="policy">The declaration.</param>
    /// <param name="change">
    /// When it replaced another policy and this change is to be reported now: the policy replaced, and how many other
    /// changes of the channel went unreported since the last report (at most one report per channel per
    /// <see cref="ChangeReportInterval"/>). Null otherwise.
    /// </param>
    /// <returns>Completes when the store holds it (for an equal declaration: when the store holds the first one).</returns>
    /// <exception cref="ChannelLimitException">The table is full of policies of channels the engine holds.</exception>
    public ValueTask Declare(ChannelDefinition policy, out (ChannelDefinition Previous, int Unreported)? change)
    {
        change = null;
        ChannelDefinition? previous = null;
        lock (_gate)
        {
            if (_policies.TryGetValue(policy.Name, out var kept))
            {
                if (SameDeliveryPolicy(kept, policy))
                    return _recording.TryGetValue(policy.Name, out var recording) && !recording.IsCompletedSuccessfully ? new ValueTask(recording) : ValueTask.CompletedTask;
                previous = kept;
                change = Report(policy.Name, previous);
            }
            else if (_policies.Count >= capacity)
            {
                MakeRoomLocked(policy.Name);
            }
            _policies[policy.Name] = policy;
            try
            {
                // Under the lock: the store records declarations in the order they took effect, so a replay ends with the last.
                var recording = store.DeclareAsync(policy);
                if (recording.IsCompletedSuccessfully)
                {
                    _recording.Remove(policy.Name);
                    return recording;
                }
                var task = recording.AsTask();
                _recording[policy.Name] = task;
                return new ValueTask(task);
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

    /// <summary>
    /// Whether two declarations ask for the same delivery: <see cref="ChannelDefinition.Ordered"/> is left out, since the
    /// engine orders every keyed message whatever the handle declared, and the log does not keep it (a handle that says
    /// ordered after a restart is not a change of policy).
    /// </summary>
    private static bool SameDeliveryPolicy(ChannelDefinition kept, ChannelDefinition declared) =>
        kept.Process == declared.Process && kept.DedupInterval == declared.DedupInterval &&
        kept.MaxAttempts == declared.MaxAttempts && kept.RetryDelay == declared.RetryDelay;

    /// <summary>A policy the store replayed.</summary>
    public void Replay(ChannelDefinition policy) => _policies[policy.Name] = policy;

    /// <summary>Whether a change of <paramref name="channel"/>'s policy is reported now; counts it when it is not.</summary>
    private (ChannelDefinition Previous, int Unreported)? Report(string channel, ChannelDefinition previous)
    {
        var now = time.GetTimestamp();
        if (_reports.TryGetValue(channel, out var report) && time.GetElapsedTime(report.At, now) < ChangeReportInterval)
        {
            report.Unreported++;
            return null;
        }
        var unreported = report?.Unreported ?? 0;
        _reports[channel] = new ChangeReport { At = now };
        return (previous, unreported);
    }

    private void MakeRoomLocked(string channel)
    {
        foreach (var name in _policies.Keys)
        {
            if (!isHeld(name) && _policies.TryRemove(name, out _))
            {
                _recording.Remove(name);
                _reports.Remove(name);
                store.ForgetPolicy(name);
            }
        }
        if (_policies.Count >= capacity)
            throw new ChannelLimitException(channel, capacity);
    }

    private sealed class ChangeReport
    {
        public long At { get; init; }

        public int Unreported { get; set; }
    }
}

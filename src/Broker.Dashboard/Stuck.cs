using Broker.Management;

namespace Broker.Dashboard;

/// <summary>What makes a channel stand out on the dashboard: work nobody takes, or messages that gave up.</summary>
internal static class Stuck
{
    /// <summary>Why the channel needs a look, for a person; null when it looks healthy.</summary>
    public static string? Reason(ChannelSummary channel) => channel switch
    {
        { Ready: > 0, Subscriptions: 0, DeadLetters: > 0 } => "no worker, dead letters",
        { Ready: > 0, Subscriptions: 0 } => "no worker",
        { DeadLetters: > 0 } => "dead letters",
        _ => null,
    };
}

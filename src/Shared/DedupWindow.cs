// Compiled into src/Broker, generators/Broker.Generators and analyzers/Broker.Analyzers (see src/Shared/README.md): keep it
// netstandard2.0-compatible.
using System;

namespace Broker;

/// <summary>
/// Limits of a deduplication window, the same for the compile-time checks (BRK0008) and the run-time ones. The dedup
/// state grows with produce rate × window; keys that must block for longer than a week belong in the application's own
/// store (an idempotency table), not in a queue.
/// </summary>
public static class DedupWindow
{
    /// <summary><see cref="Max"/> in days.</summary>
    public const int MaxDays = 7;

    /// <summary>The longest deduplication window a channel or a produce call may ask for.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(MaxDays);
}

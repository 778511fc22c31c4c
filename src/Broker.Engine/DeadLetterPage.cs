using Broker.Transport;

namespace Broker.Engine;

/// <summary>A page of dead letters.</summary>
/// <param name="Entries">The dead letters, in id order.</param>
/// <param name="More">True when the page stopped at its byte budget before its count: more follow after the last id.</param>
public readonly record struct DeadLetterPage(IReadOnlyList<DeadLetterEntry> Entries, bool More);

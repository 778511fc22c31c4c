using System;
using System.Collections.Generic;
using System.Linq;

namespace Broker.Analyzers;

/// <summary>
/// Guesses the member an OrderBy that names none meant (BRK0020), so the diagnostic can name it and the code fix can
/// write it. A guess is offered only when exactly one readable member is nearest and it can be a key: two equally near
/// leave the choice to the author, and a near member of another type (a DateTime) would only trade one error for another.
/// </summary>
internal static class OrderBySuggestion
{
    /// <summary>The one key member that <paramref name="orderBy"/> most likely meant, or null.</summary>
    /// <param name="orderBy">The OrderBy text, which names no valid key member.</param>
    /// <param name="members">The message's readable members (<see cref="OrderByRules.ReadableMembers"/>).</param>
    public static string? Suggest(string orderBy, IEnumerable<(string Name, bool IsKey)> members)
    {
        var candidates = members.Where(m => m.Name != orderBy).ToList();
        var sameLetters = candidates.Where(m => string.Equals(m.Name, orderBy, StringComparison.OrdinalIgnoreCase)).ToList();
        if (sameLetters.Count > 0)
            return sameLetters.Count == 1 && sameLetters[0].IsKey ? sameLetters[0].Name : null;

        // Two edits catch a dropped, doubled or swapped letter ("CustmerId", "CustomerdI"); one for short names, where two
        // reach unrelated ones ("Id" and "No").
        var limit = orderBy.Length >= 6 ? 2 : 1;
        var near = candidates
            .Select(m => (Member: m, Distance: EditDistance.Between(orderBy.ToUpperInvariant(), m.Name.ToUpperInvariant())))
            .Where(c => c.Distance <= limit)
            .ToList();
        if (near.Count == 0) return null;
        var best = near.Min(c => c.Distance);
        var closest = near.Where(c => c.Distance == best).ToList();
        return closest.Count == 1 && closest[0].Member.IsKey ? closest[0].Member.Name : null;
    }
}

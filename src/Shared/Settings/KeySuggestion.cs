// Compiled into the assemblies that read Broker's configuration section (see src/Shared/README.md).
using System;
using System.Collections.Generic;

namespace Broker.Settings;

/// <summary>The "did you mean" of an unknown configuration key: the closest known key within a few typing mistakes.</summary>
internal static class KeySuggestion
{
    /// <summary>The known key closest to <paramref name="key"/>, or null when none is close enough to be a slip.</summary>
    /// <param name="key">The unknown key.</param>
    /// <param name="known">The keys that would have been read.</param>
    public static string? Closest(string key, IEnumerable<string> known)
    {
        // Two edits catch a dropped, doubled or swapped letter ("MaxParalel", "LeaseDuraiton"); fewer for short keys,
        // where two edits reach unrelated ones ("Url" for "Tls").
        var limit = Math.Min(2, Math.Max(1, key.Length / 3));
        string? best = null;
        var bestDistance = int.MaxValue;
        string? sameStart = null;
        foreach (var candidate in known)
        {
            var distance = EditDistance.Between(key.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
            // A half-remembered name starts like the real one: "Lease" for "LeaseDuration", "SegmentSize" for "SegmentBytes".
            if (sameStart is null && CommonPrefix(key, candidate) >= Math.Max(4, Math.Min(key.Length, candidate.Length) / 2))
                sameStart = candidate;
        }
        return best ?? sameStart;
    }

    private static int CommonPrefix(string a, string b)
    {
        var length = 0;
        while (length < a.Length && length < b.Length && char.ToUpperInvariant(a[length]) == char.ToUpperInvariant(b[length]))
            length++;
        return length;
    }
}

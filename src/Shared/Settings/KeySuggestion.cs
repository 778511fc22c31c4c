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
            var distance = Distance(key.ToUpperInvariant(), candidate.ToUpperInvariant());
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

    // Optimal string alignment distance: Levenshtein plus the swap of two neighbouring letters as one edit.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}

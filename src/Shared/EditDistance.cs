// Compiled into the analyzers and into the assemblies that read Broker's configuration section (see src/Shared/README.md).
using System;

namespace Broker;

/// <summary>How many typing slips apart two names are, for the "did you mean" of a diagnostic or a configuration error.</summary>
internal static class EditDistance
{
    /// <summary>
    /// The optimal string alignment distance: Levenshtein plus the swap of two neighbouring letters as one edit. Callers
    /// that ignore case pass both names upper-cased.
    /// </summary>
    public static int Between(string a, string b)
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

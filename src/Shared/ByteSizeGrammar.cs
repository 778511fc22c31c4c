// Compiled into the runtime assemblies that read sizes from text (src/Broker.Server's settings, the adapters' and
// Broker.Hosting's configuration; see src/Shared/README.md), so "64MiB" means the same everywhere.
using System;
using System.Globalization;

namespace Broker;

/// <summary>
/// Byte counts as people write them: a whole number with an optional binary unit, <c>B</c>, <c>KiB</c>, <c>MiB</c> or
/// <c>GiB</c>, case-insensitive, spaces allowed before the unit (<c>1048576</c>, <c>1MiB</c>, <c>64 MiB</c>). Decimal
/// units (<c>MB</c>) are refused rather than guessed at: whether they mean 10^6 or 2^20 differs between tools.
/// </summary>
internal static class ByteSizeGrammar
{
    /// <summary>The grammar in one line, for error messages.</summary>
    public const string Description = "a whole number of bytes, optionally with a unit B, KiB, MiB or GiB (such as 1048576 or 1MiB)";

    private static readonly (string Suffix, long Factor)[] Units =
    {
        ("KiB", 1024L),
        ("MiB", 1024L * 1024),
        ("GiB", 1024L * 1024 * 1024),
        ("B", 1L),
    };

    /// <summary>Reads a byte count.</summary>
    /// <param name="text">The text, such as <c>"64MiB"</c>.</param>
    /// <param name="value">The count when the text is one.</param>
    /// <returns>True when <paramref name="text"/> is a byte count that fits in a <see cref="long"/>.</returns>
    public static bool TryParse(string? text, out long value)
    {
        value = 0;
        if (text is null)
            return false;
        var number = text.Trim();
        long unit = 1;
        foreach (var (suffix, factor) in Units)
        {
            if (number.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                unit = factor;
                number = number.Substring(0, number.Length - suffix.Length).Trim();
                break;
            }
        }
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > long.MaxValue / unit)
            return false;
        value = count * unit;
        return true;
    }
}

// Compiled into src/Broker, generators/Broker.Generators and analyzers/Broker.Analyzers (see src/Shared/README.md): keep it
// netstandard2.0-compatible (no spans in signatures, no newer BCL APIs) and free of other project types.
using System;
using System.Globalization;

#pragma warning disable CA1846 // netstandard2.0, where this file is linked too, has no span overload of double.Parse.

namespace Broker;

/// <summary>
/// Deepkit's interval grammar (<c>@lukeed/ms</c>): an optional minus sign, a decimal number, optional spaces, and at
/// most one unit, case-insensitive. No unit means milliseconds. Unlike Deepkit, which silently turns anything it cannot
/// read into 0, every rejected input gets a reason.
/// </summary>
internal static class IntervalGrammar
{
    /// <summary>The grammar in one line, for error messages and diagnostics.</summary>
    public const string Description =
        "a number and at most one unit: ms, s, m, h, d, w or y, or a long form such as 'sec', '2 minutes', '24hours' " +
        "(no unit = milliseconds; one year = 365.25 days)";

    private const double MillisecondsPerSecond = 1000;
    private const double MillisecondsPerMinute = 60 * MillisecondsPerSecond;
    private const double MillisecondsPerHour = 60 * MillisecondsPerMinute;
    private const double MillisecondsPerDay = 24 * MillisecondsPerHour;
    private const double MillisecondsPerYear = 365.25 * MillisecondsPerDay;

    // Each unit with every spelling @lukeed/ms accepts for it.
    private static readonly (string[] Names, double Milliseconds)[] Units =
    {
        (new[] { "ms", "msec", "msecs", "millisecond", "milliseconds" }, 1),
        (new[] { "s", "sec", "secs", "second", "seconds" }, MillisecondsPerSecond),
        (new[] { "m", "min", "mins", "minute", "minutes" }, MillisecondsPerMinute),
        (new[] { "h", "hr", "hrs", "hour", "hours" }, MillisecondsPerHour),
        (new[] { "d", "day", "days" }, MillisecondsPerDay),
        (new[] { "w", "wk", "wks", "week", "weeks" }, 7 * MillisecondsPerDay),
        (new[] { "y", "yr", "yrs", "year", "years" }, MillisecondsPerYear),
    };

    /// <summary>Reads a positive interval.</summary>
    /// <param name="text">The interval text, for example <c>"1s"</c>.</param>
    /// <param name="value">The interval when the text is valid.</param>
    /// <param name="error">Why the text was rejected, naming the text; null when it is valid.</param>
    /// <returns>True when <paramref name="text"/> is a valid interval greater than zero.</returns>
    public static bool TryParse(string? text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        if (text is null || text.Length == 0)
        {
            error = "The interval is empty; expected " + Description + ", for example '1s' or '5m'.";
            return false;
        }

        // Number: -?(\d+)?\.?\d+ exactly as @lukeed/ms reads it ("1.5", ".5", "10"; not "1." or "1e3").
        var position = 0;
        var negative = text[0] == '-';
        if (negative) position++;
        var numberStart = position;
        var integerDigits = CountDigits(text, position);
        position += integerDigits;
        var fractionDigits = 0;
        if (position < text.Length && text[position] == '.')
        {
            fractionDigits = CountDigits(text, position + 1);
            if (fractionDigits == 0)
            {
                error = Quote(text) + " is not an interval: a '.' must be followed by digits; expected " + Description + ".";
                return false;
            }
            position += 1 + fractionDigits;
        }
        if (integerDigits == 0 && fractionDigits == 0)
        {
            error = Quote(text) + " is not an interval: it must start with a number; expected " + Description + ".";
            return false;
        }
        var number = double.Parse(text.Substring(numberStart, position - numberStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

        while (position < text.Length && text[position] == ' ') position++;
        var unitStart = position;
        while (position < text.Length && IsAsciiLetter(text[position])) position++;
        var unit = text.Substring(unitStart, position - unitStart).ToLowerInvariant();

        double perUnit = 1;
        if (unit.Length > 0 && !TryGetUnit(unit, out perUnit))
        {
            error = Quote(text) + " is not an interval: unknown unit '" + unit + "'; expected " + Description + ".";
            return false;
        }
        if (position < text.Length)
        {
            error = CountDigits(text, position) > 0
                ? Quote(text) + " is not an interval: compound intervals such as '1h30m' are not supported; write one number and one unit, such as '90m'."
                : Quote(text) + " is not an interval: unexpected '" + text[position] + "' at position " + position.ToString(CultureInfo.InvariantCulture) + "; expected " + Description + ".";
            return false;
        }
        var milliseconds = number * perUnit;

        if (negative && number != 0)
        {
            error = Quote(text) + " is negative; an interval must be greater than zero.";
            return false;
        }
        if (milliseconds <= 0)
        {
            error = Quote(text) + " is zero; an interval must be greater than zero.";
            return false;
        }
        if (milliseconds >= TimeSpan.MaxValue.TotalMilliseconds)
        {
            error = Quote(text) + " is too large to be an interval.";
            return false;
        }
        var ticks = (long)Math.Round(milliseconds * TimeSpan.TicksPerMillisecond);
        if (ticks <= 0)
        {
            error = Quote(text) + " is shorter than 100 ns, the smallest interval .NET can represent.";
            return false;
        }
        value = TimeSpan.FromTicks(ticks);
        error = null;
        return true;
    }

    /// <summary>Writes an interval in the shortest exact form of the grammar, such as <c>"1s"</c> or <c>"90m"</c>.</summary>
    /// <param name="value">A positive interval.</param>
    /// <returns>Text that <see cref="TryParse"/> reads back to the same value.</returns>
    public static string Format(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerMillisecond != 0)
            return (value.Ticks / (double)TimeSpan.TicksPerMillisecond).ToString("0.####", CultureInfo.InvariantCulture) + "ms";
        var ms = value.Ticks / TimeSpan.TicksPerMillisecond;
        if (ms % (long)(7 * MillisecondsPerDay) == 0) return (ms / (long)(7 * MillisecondsPerDay)).ToString(CultureInfo.InvariantCulture) + "w";
        if (ms % (long)MillisecondsPerDay == 0) return (ms / (long)MillisecondsPerDay).ToString(CultureInfo.InvariantCulture) + "d";
        if (ms % (long)MillisecondsPerHour == 0) return (ms / (long)MillisecondsPerHour).ToString(CultureInfo.InvariantCulture) + "h";
        if (ms % (long)MillisecondsPerMinute == 0) return (ms / (long)MillisecondsPerMinute).ToString(CultureInfo.InvariantCulture) + "m";
        if (ms % (long)MillisecondsPerSecond == 0) return (ms / (long)MillisecondsPerSecond).ToString(CultureInfo.InvariantCulture) + "s";
        return ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }

    private static bool TryGetUnit(string unit, out double milliseconds)
    {
        foreach (var (names, perUnit) in Units)
        {
            if (Array.IndexOf(names, unit) >= 0)
            {
                milliseconds = perUnit;
                return true;
            }
        }
        milliseconds = 0;
        return false;
    }

    private static int CountDigits(string text, int start)
    {
        var count = 0;
        while (start + count < text.Length && text[start + count] >= '0' && text[start + count] <= '9') count++;
        return count;
    }

    private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

    private static string Quote(string text) => "'" + text + "'";
}

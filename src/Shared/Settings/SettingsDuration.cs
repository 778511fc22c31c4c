// Compiled into the assemblies that read Broker's configuration section (see src/Shared/README.md).
using System;
using System.Globalization;

namespace Broker.Settings;

/// <summary>
/// Durations in configuration: Broker's interval grammar with a unit (<c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1.5h</c>;
/// see <see cref="Interval"/>), .NET's <c>hh:mm:ss</c> (<c>00:00:30</c>, what a bound <see cref="TimeSpan"/> takes), or
/// <c>0</c>. A bare number is refused: .NET reads <c>30</c> as thirty days and Deepkit as thirty milliseconds, and a
/// setting must not depend on which of them the reader had in mind.
/// </summary>
internal static class SettingsDuration
{
    /// <summary>The accepted forms, for messages.</summary>
    public const string Description = "a duration such as 30s, 500ms, 2m or 00:00:30";

    /// <summary>Reads a duration.</summary>
    /// <param name="text">The configured text.</param>
    /// <returns>The duration, or why the text is not one.</returns>
    public static (TimeSpan Value, string? Error) Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed == "0")
            return (TimeSpan.Zero, null);
        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParseExact(trimmed, "c", CultureInfo.InvariantCulture, out var span)
                ? (span, null)
                : (TimeSpan.Zero, "it must be " + Description + " (hh:mm:ss as [d.]hh:mm:ss[.fffffff])");
        }
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            return (TimeSpan.Zero, "a bare number is ambiguous (.NET reads it as days, Deepkit as milliseconds); give a unit, such as 30s or 500ms, or write hh:mm:ss");
        try
        {
            return (Interval.Parse(trimmed), null);
        }
        catch (FormatException e)
        {
            // Interval's own reason (an unknown unit, a compound "1h30m", zero, negative) says more than a generic message.
            return (TimeSpan.Zero, e.Message.TrimEnd('.'));
        }
    }
}

namespace Broker;

/// <summary>
/// Reads intervals written in Deepkit's grammar: a number and at most one unit (<c>ms</c>, <c>s</c>, <c>m</c>,
/// <c>h</c>, <c>d</c>, <c>w</c>, <c>y</c> or a long form such as <c>"2 minutes"</c>, <c>"24hours"</c>, <c>"1.5h"</c>);
/// a bare number is milliseconds. Compound forms (<c>"1h30m"</c>), empty text, zero, negative values and unknown
/// units are rejected with a message that says why.
/// </summary>
public static class Interval
{
    /// <summary>Reads an interval, throwing when the text is not one.</summary>
    /// <param name="text">The interval text, for example <c>"1s"</c>.</param>
    /// <returns>The interval, always greater than zero.</returns>
    /// <exception cref="FormatException">The text is not a valid positive interval; the message says why.</exception>
    public static TimeSpan Parse(string text)
    {
        if (!IntervalGrammar.TryParse(text, out var value, out var error))
            throw new FormatException(error);
        return value;
    }

    /// <summary>Reads an interval.</summary>
    /// <param name="text">The interval text.</param>
    /// <param name="value">The interval when the text is valid.</param>
    /// <returns>True when the text is a valid positive interval.</returns>
    public static bool TryParse(string? text, out TimeSpan value) => IntervalGrammar.TryParse(text, out value, out _);

    /// <summary>Writes an interval in the shortest exact form of the grammar, such as <c>"1s"</c> or <c>"90m"</c>.</summary>
    /// <param name="value">A positive interval.</param>
    /// <returns>The text.</returns>
    public static string Format(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
        return IntervalGrammar.Format(value);
    }
}

using System.Globalization;

namespace Broker.Cli.Settings;

/// <summary>Reads the durations of the command line: <c>500ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>, or a plain number of seconds.</summary>
internal static class Durations
{
    /// <summary>The longest duration an option takes: a day, far past any interval or timeout a person means.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(1);

    /// <summary>Reads <paramref name="text"/>, the value of <paramref name="option"/>.</summary>
    /// <param name="text">The value as given.</param>
    /// <param name="option">The option, named in the error (<c>--interval</c>).</param>
    /// <param name="allowZero">Whether 0 is a valid value.</param>
    /// <exception cref="CliException">Not a duration, negative, zero when that is not allowed, or over a day (exit code <see cref="ExitCodes.Usage"/>).</exception>
    public static TimeSpan Parse(string text, string option, bool allowZero = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var (number, unit) = Split(trimmed);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value) || double.IsInfinity(value))
            throw Invalid(text, option);
        double milliseconds = unit switch
        {
            "ms" => value,
            "" or "s" => value * 1000,
            "m" => value * 60_000,
            "h" => value * 3_600_000,
            _ => throw Invalid(text, option),
        };
        if (milliseconds > Max.TotalMilliseconds)
            throw new CliException(ExitCodes.Usage, $"{option} '{text}' is longer than a day.");
        var duration = TimeSpan.FromMilliseconds(Math.Round(milliseconds));
        if (duration == TimeSpan.Zero && !allowZero)
            throw new CliException(ExitCodes.Usage, $"{option} must be longer than zero (got '{text}').");
        return duration;
    }

    private static (string Number, string Unit) Split(string text)
    {
        var end = text.Length;
        while (end > 0 && char.IsAsciiLetter(text[end - 1]))
            end--;
        return (text[..end], text[end..].ToLowerInvariant());
    }

    private static CliException Invalid(string text, string option) =>
        new(ExitCodes.Usage, $"{option} '{text}' is not a duration: write 500ms, 1s, 1.5s, 2m or 1h (a plain number is seconds).");
}

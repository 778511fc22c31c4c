using System.Globalization;

namespace Broker.Cli.Output;

/// <summary>How numbers, times and sizes read in tables: short, culture-independent, aligned.</summary>
internal static class Formats
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    // C0 controls, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates.
    private static readonly System.Buffers.SearchValues<char> s_unprintable = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7f, 0x21)).Concat(Enumerable.Range(0x202a, 5)).Concat(Enumerable.Range(0x2066, 4)).Select(c => (char)c)));

    /// <summary>
    /// Text from the broker's data (a handler's error, a header, a payload, a message from the server or the holder of a
    /// directory) made safe to print: control characters (ESC, BEL, CR, the C1 set, ...) and the bidirectional overrides
    /// are shown as <c>\u001b</c> escapes, so such text cannot recolour, retitle, clear or rewrite the operator's terminal
    /// nor disguise what it says. Line feeds and tabs are kept when <paramref name="multiline"/> (a CR LF becomes a LF).
    /// </summary>
    /// <param name="text">The text as it came.</param>
    /// <param name="multiline">Whether line feeds and tabs are kept; false for a cell or a line of its own.</param>
    public static string Printable(string text, bool multiline = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAny(s_unprintable))
            return text;
        var builder = new System.Text.StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (multiline && c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                continue;
            if (!s_unprintable.Contains(c) || (multiline && c is '\n' or '\t'))
                builder.Append(c);
            else
                builder.Append(s_invariant, $"\\u{(int)c:x4}");
        }
        return builder.ToString();
    }

    /// <summary>A count with thousands separators: <c>12,345</c>.</summary>
    public static string Count(long value) => value.ToString("N0", s_invariant);

    /// <summary>A rate a second: <c>0</c>, <c>0.4</c>, <c>12.5</c>, <c>1,234</c>; a dash when unknown.</summary>
    public static string Rate(double? perSecond) => perSecond switch
    {
        null => "-",
        0 => "0",
        < 100 => perSecond.Value.ToString("0.#", s_invariant),
        _ => perSecond.Value.ToString("N0", s_invariant),
    };

    /// <summary>A duration in its two largest units: <c>450ms</c>, <c>12s</c>, <c>4m 05s</c>, <c>3h 12m</c>, <c>2d 04h</c>.</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
            age = TimeSpan.Zero;
        if (age < TimeSpan.FromSeconds(1))
            return $"{(int)age.TotalMilliseconds}ms";
        if (age < TimeSpan.FromMinutes(1))
            return $"{(int)age.TotalSeconds}s";
        if (age < TimeSpan.FromHours(1))
            return string.Create(s_invariant, $"{age.Minutes}m {age.Seconds:00}s");
        if (age < TimeSpan.FromDays(1))
            return string.Create(s_invariant, $"{age.Hours}h {age.Minutes:00}m");
        return string.Create(s_invariant, $"{(int)age.TotalDays}d {age.Hours:00}h");
    }

    /// <summary>An instant in UTC to the second: <c>2026-12-02 16:20:01Z</c>.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", s_invariant);

    /// <summary>An instant with how long before or after <paramref name="now"/> it is: <c>2026-12-02 16:20:01Z (3m 12s ago)</c>.</summary>
    public static string TimeWithAge(DateTimeOffset time, DateTimeOffset now) =>
        time <= now ? $"{Time(time)} ({Age(now - time)} ago)" : $"{Time(time)} (in {Age(time - now)})";

    /// <summary>A size in bytes in binary units: <c>512 B</c>, <c>1.5 KiB</c>, <c>64.0 MiB</c>.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : string.Create(s_invariant, $"{value:0.0} {units[unit]}");
    }

    /// <summary>Milliseconds with a precision that suits them: <c>0.42 ms</c>, <c>3.1 ms</c>, <c>120 ms</c>.</summary>
    public static string Milliseconds(double milliseconds) => milliseconds switch
    {
        < 1 => string.Create(s_invariant, $"{milliseconds:0.00} ms"),
        < 100 => string.Create(s_invariant, $"{milliseconds:0.0} ms"),
        _ => string.Create(s_invariant, $"{milliseconds:0} ms"),
    };

    /// <summary>A noun after a count: <c>1 message</c>, <c>2 messages</c>.</summary>
    public static string Plural(long count, string singular, string? plural = null) =>
        $"{Count(count)} {(count == 1 ? singular : plural ?? singular + "s")}";
}

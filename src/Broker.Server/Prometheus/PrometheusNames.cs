using System.Globalization;
using System.Text;

namespace Broker.Server.Prometheus;

/// <summary>
/// OpenTelemetry's rules for exposing an instrument to Prometheus: <c>broker.log.fsync.duration</c> in <c>s</c> becomes
/// <c>broker_log_fsync_duration_seconds</c>, a counter gets <c>_total</c>, and a tag <c>error.type</c> becomes the label
/// <c>error_type</c>. Annotations in braces (<c>{message}</c>) name no unit and add no suffix.
/// </summary>
internal static class PrometheusNames
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["bit"] = "bits",
        ["%"] = "percent",
        ["Hz"] = "hertz",
    };

    // The denominator of a rate: "By/s" is bytes_per_second.
    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["min"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
    };

    /// <summary>The metric family name of an instrument.</summary>
    /// <param name="instrument">The instrument's name, such as <c>broker.server.connections.accepted</c>.</param>
    /// <param name="unit">Its UCUM unit, such as <c>s</c>, <c>By</c> or <c>{connection}</c>; null for none.</param>
    /// <param name="kind">What it is exposed as: a counter's name ends in <c>_total</c>.</param>
    public static string MetricName(string instrument, string? unit, MetricKind kind)
    {
        var name = Sanitize(instrument, allowColon: true);
        // A counter named ...total keeps one _total, after the unit.
        if (kind == MetricKind.Counter && name.EndsWith("_total", StringComparison.Ordinal) && name.Length > "_total".Length)
            name = name[..^"_total".Length];
        var suffix = UnitSuffix(unit, kind);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
            name += "_" + suffix;
        if (kind == MetricKind.Counter)
            name += "_total";
        return name;
    }

    /// <summary>The label name of a tag: <c>messaging.destination.name</c> becomes <c>messaging_destination_name</c>.</summary>
    public static string LabelName(string tag) => Sanitize(tag, allowColon: false);

    /// <summary>The suffix a unit adds to a name; empty for none.</summary>
    public static string UnitSuffix(string? unit, MetricKind kind)
    {
        if (string.IsNullOrEmpty(unit))
            return "";
        var bare = WithoutAnnotations(unit).Trim();
        if (bare.Length == 0)
            return "";
        if (bare == "1")
            return kind == MetricKind.Gauge ? "ratio" : "";
        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var over = bare[..slash];
            var under = bare[(slash + 1)..];
            var perUnit = PerUnits.TryGetValue(under, out var known) ? known : Sanitize(under, allowColon: false);
            return (over.Length == 0 ? "" : UnitWord(over) + "_") + "per_" + perUnit;
        }
        return UnitWord(bare);
    }

    /// <summary>A label value inside its double quotes: backslash, double quote and line feed escaped.</summary>
    public static void AppendLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '"': text.Append("\\\""); break;
                case '\n': text.Append(@"\n"); break;
                default: text.Append(c); break;
            }
        }
    }

    /// <summary>A <c># HELP</c> text: backslash and line feed escaped.</summary>
    public static void AppendHelp(StringBuilder text, string help)
    {
        foreach (var c in help)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '\n': text.Append(@"\n"); break;
                default: text.Append(c); break;
            }
        }
    }

    /// <summary>The most bytes <see cref="FormatValue"/> writes ("-1.7976931348623157e+308" is 24).</summary>
    public const int MaxValueBytes = 32;

    /// <summary>A sample value as Prometheus reads it: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, or the shortest exact decimal.</summary>
    public static string Value(double value)
    {
        Span<byte> text = stackalloc byte[MaxValueBytes];
        return Encoding.UTF8.GetString(text[..FormatValue(value, text)]);
    }

    /// <summary><see cref="Value"/> in UTF-8, into <paramref name="destination"/> (at least <see cref="MaxValueBytes"/>).</summary>
    /// <returns>The bytes written.</returns>
    public static int FormatValue(double value, Span<byte> destination)
    {
        ReadOnlySpan<byte> special = value switch
        {
            double.PositiveInfinity => "+Inf"u8,
            double.NegativeInfinity => "-Inf"u8,
            _ when double.IsNaN(value) => "NaN"u8,
            _ => default,
        };
        if (!special.IsEmpty)
        {
            special.CopyTo(destination);
            return special.Length;
        }
        if (!value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture))
            throw new ArgumentException($"Needs {MaxValueBytes} bytes.", nameof(destination));
        // "5e-05" as other exporters write it; Prometheus reads either case.
        var exponent = destination[..written].IndexOf((byte)'E');
        if (exponent >= 0)
            destination[exponent] = (byte)'e';
        return written;
    }

    private static string UnitWord(string unit) => Units.TryGetValue(unit, out var word) ? word : Sanitize(unit, allowColon: false);

    private static string WithoutAnnotations(string unit)
    {
        if (!unit.Contains('{', StringComparison.Ordinal))
            return unit;
        var text = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{') depth++;
            else if (c == '}' && depth > 0) depth--;
            else if (depth == 0) text.Append(c);
        }
        return text.ToString();
    }

    /// <summary>
    /// Letters, digits and underscores (and colons in metric names); anything else becomes one underscore, runs of
    /// underscores become one, and a leading digit gets an underscore before it.
    /// </summary>
    private static string Sanitize(string text, bool allowColon)
    {
        var name = new StringBuilder(text.Length + 1);
        foreach (var c in text)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && name.Length > 0 && name[^1] == '_')
                continue;
            name.Append(next);
        }
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
            name.Insert(0, '_');
        return name.ToString();
    }
}

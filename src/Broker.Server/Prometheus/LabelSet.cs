using System.Globalization;
using System.Text;

namespace Broker.Server.Prometheus;

/// <summary>
/// Renders a measurement's tags as the label part of a series (<c>error_type="Malformed",x="y"</c>), sorted by label name
/// so the same tags given in another order name the same series. <see cref="LabelTable"/> does this once per label set
/// and keeps the result; this is its slow path.
/// </summary>
internal static class LabelSet
{
    /// <summary>The labels of <paramref name="tags"/>; empty for none (without an allocation).</summary>
    public static string Of(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
            return "";
        var labels = new (string Name, string Value)[tags.Length];
        for (var i = 0; i < tags.Length; i++)
            labels[i] = (PrometheusNames.LabelName(tags[i].Key), Text(tags[i].Value));
        if (labels.Length > 1)
            Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var text = new StringBuilder();
        string? previous = null;
        foreach (var (name, value) in labels)
        {
            // Two tags that sanitise to one label name: the first (in label order) is kept, a label appears once.
            if (name == previous)
                continue;
            if (text.Length > 0)
                text.Append(',');
            text.Append(name).Append("=\"");
            PrometheusNames.AppendLabelValue(text, value);
            text.Append('"');
            previous = name;
        }
        return text.ToString();
    }

    /// <summary>
    /// A tag value as its label shows it (before escaping), formatted into <paramref name="buffer"/> when it is not a
    /// string, so comparing the tags of a measurement with a known label set allocates nothing for the usual values.
    /// </summary>
    /// <remarks>The same text as <see cref="Text"/> gives: ISpanFormattable with no format is IFormattable's ToString(null).</remarks>
    public static ReadOnlySpan<char> ValueText(object? value, Span<char> buffer) => value switch
    {
        null => "",
        string s => s,
        ISpanFormattable formattable when formattable.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture) => buffer[..written],
        _ => Text(value),
    };

    /// <summary>A tag value as its label shows it (before escaping).</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

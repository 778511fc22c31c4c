using System.Globalization;
using System.Text;

namespace Broker.Server.Prometheus;

/// <summary>
/// Writes metric families in Prometheus' text exposition format, version 0.0.4: per family a <c># HELP</c> and a
/// <c># TYPE</c> line, then its samples; a histogram as cumulative <c>_bucket</c> samples (up to <c>le="+Inf"</c>),
/// <c>_sum</c> and <c>_count</c>. Families and series come out sorted, so two scrapes of the same state are identical.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The Content-Type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The whole exposition of <paramref name="families"/>.</summary>
    public static string Render(IEnumerable<FamilySnapshot> families)
    {
        var text = new StringBuilder();
        foreach (var family in families.OrderBy(f => f.Name, StringComparer.Ordinal))
            Write(text, family);
        return text.ToString();
    }

    private static void Write(StringBuilder text, FamilySnapshot family)
    {
        text.Append("# HELP ").Append(family.Name).Append(' ');
        PrometheusNames.AppendHelp(text, family.Help);
        text.Append('\n');
        text.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Kind)).Append('\n');
        foreach (var series in family.Series.OrderBy(s => s.Labels, StringComparer.Ordinal))
        {
            if (family.Kind == MetricKind.Histogram)
                WriteHistogram(text, family, series);
            else
                Sample(text, family.Name, "", series.Labels, null, PrometheusNames.Value(series.Value));
        }
    }

    private static void WriteHistogram(StringBuilder text, FamilySnapshot family, SeriesSnapshot series)
    {
        var buckets = series.Buckets ?? [];
        long cumulative = 0;
        for (var i = 0; i < family.Bounds.Count; i++)
        {
            cumulative += i < buckets.Length ? buckets[i] : 0;
            Sample(text, family.Name, "_bucket", series.Labels, PrometheusNames.Value(family.Bounds[i]), Count(cumulative));
        }
        // +Inf holds every measurement, so it always equals _count.
        Sample(text, family.Name, "_bucket", series.Labels, "+Inf", Count(series.Count));
        Sample(text, family.Name, "_sum", series.Labels, null, PrometheusNames.Value(series.Value));
        Sample(text, family.Name, "_count", series.Labels, null, Count(series.Count));
    }

    private static void Sample(StringBuilder text, string name, string suffix, string labels, string? le, string value)
    {
        text.Append(name).Append(suffix);
        if (labels.Length > 0 || le is not null)
        {
            text.Append('{').Append(labels);
            if (le is not null)
                text.Append(labels.Length > 0 ? ",le=\"" : "le=\"").Append(le).Append('"');
            text.Append('}');
        }
        text.Append(' ').Append(value).Append('\n');
    }

    private static string Count(long count) => count.ToString(CultureInfo.InvariantCulture);

    private static string TypeName(MetricKind kind) => kind switch
    {
        MetricKind.Counter => "counter",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };
}

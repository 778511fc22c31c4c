using System.Text;

namespace Broker.Server.Prometheus;

/// <summary>
/// Writes metric families in Prometheus' text exposition format, version 0.0.4: per family a <c># HELP</c> and a
/// <c># TYPE</c> line, then its samples; a histogram as cumulative <c>_bucket</c> samples (up to <c>le="+Inf"</c>),
/// <c>_sum</c> and <c>_count</c>. Families and series come out sorted, so two scrapes of the same state are identical.
/// Everything is written in UTF-8 from parts rendered once (names, label sets, bucket bounds); only the numbers are
/// formatted at each scrape.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The Content-Type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>A family's <c># HELP</c> and <c># TYPE</c> lines.</summary>
    public static byte[] Header(string name, string help, MetricKind kind)
    {
        var text = new StringBuilder();
        text.Append("# HELP ").Append(name).Append(' ');
        PrometheusNames.AppendHelp(text, help);
        text.Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(TypeName(kind)).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The <c>le</c> label of each bucket boundary, then of <c>+Inf</c>.</summary>
    public static byte[][] BucketLabels(IReadOnlyList<double> bounds)
    {
        var labels = new byte[bounds.Count + 1][];
        for (var i = 0; i < bounds.Count; i++)
            labels[i] = Encoding.UTF8.GetBytes($"le=\"{PrometheusNames.Value(bounds[i])}\"");
        labels[^1] = "le=\"+Inf\""u8.ToArray();
        return labels;
    }

    /// <summary>One sample: <c>name{labels} value</c>.</summary>
    public static void Sample(ExpositionWriter text, ReadOnlySpan<byte> name, Labels labels, double value)
    {
        Name(text, name, labels.Utf8, []);
        text.WriteValue(value);
        text.Write((byte)'\n');
    }

    /// <summary>A histogram's samples: cumulative buckets, <c>_sum</c> and <c>_count</c>.</summary>
    /// <param name="text">Where to write.</param>
    /// <param name="names">The family's <c>_bucket</c>, <c>_sum</c> and <c>_count</c> names.</param>
    /// <param name="le">The <c>le</c> labels from <see cref="BucketLabels"/>.</param>
    /// <param name="labels">The series' labels.</param>
    /// <param name="buckets">Counts per bucket (not cumulative), the last one above every boundary.</param>
    /// <param name="sum">The sum of the measurements.</param>
    /// <param name="count">Their count.</param>
    public static void Histogram(ExpositionWriter text, HistogramNames names, byte[][] le, Labels labels, ReadOnlySpan<long> buckets, double sum, long count)
    {
        long cumulative = 0;
        for (var i = 0; i < le.Length - 1; i++)
        {
            cumulative += i < buckets.Length ? buckets[i] : 0;
            Name(text, names.Bucket, labels.Utf8, le[i]);
            text.WriteCount(cumulative);
            text.Write((byte)'\n');
        }
        // +Inf holds every measurement, so it always equals _count.
        Name(text, names.Bucket, labels.Utf8, le[^1]);
        text.WriteCount(count);
        text.Write((byte)'\n');
        Name(text, names.Sum, labels.Utf8, []);
        text.WriteValue(sum);
        text.Write((byte)'\n');
        Name(text, names.Count, labels.Utf8, []);
        text.WriteCount(count);
        text.Write((byte)'\n');
    }

    private static string TypeName(MetricKind kind) => kind switch
    {
        MetricKind.Counter => "counter",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };

    /// <summary>A sample's name and labels, and the space before its value.</summary>
    private static void Name(ExpositionWriter text, ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, ReadOnlySpan<byte> le)
    {
        text.Write(name);
        if (!labels.IsEmpty || !le.IsEmpty)
        {
            text.Write((byte)'{');
            text.Write(labels);
            if (!le.IsEmpty)
            {
                if (!labels.IsEmpty)
                    text.Write((byte)',');
                text.Write(le);
            }
            text.Write((byte)'}');
        }
        text.Write((byte)' ');
    }
}

/// <summary>A histogram family's sample names in UTF-8.</summary>
internal sealed class HistogramNames(string name)
{
    public byte[] Bucket { get; } = Encoding.UTF8.GetBytes(name + "_bucket");

    public byte[] Sum { get; } = Encoding.UTF8.GetBytes(name + "_sum");

    public byte[] Count { get; } = Encoding.UTF8.GetBytes(name + "_count");
}

namespace Broker.Server.Prometheus;

/// <summary>
/// Bucket boundaries of a histogram whose instrument gives none as advice: chosen by its unit, so durations in seconds
/// and sizes in bytes each get buckets that span their usual range.
/// </summary>
internal static class HistogramBounds
{
    /// <summary>Seconds: 1 ms to 10 s, as OpenTelemetry's conventions use for request durations, and 100 µs below that.</summary>
    public static readonly double[] Seconds = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>Milliseconds: OpenTelemetry's default boundaries.</summary>
    public static readonly double[] Milliseconds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    /// <summary>Bytes: powers of four from 64 B to 64 MiB.</summary>
    public static readonly double[] Bytes = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    /// <summary>Counts of things: one to ten thousand, in 1-2-5 steps.</summary>
    public static readonly double[] Counts = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

    /// <summary>The boundaries for an instrument of <paramref name="unit"/>.</summary>
    public static double[] ForUnit(string? unit) => unit switch
    {
        "s" => Seconds,
        "ms" => Milliseconds,
        "By" => Bytes,
        _ => Counts,
    };

    /// <summary>Whether advised boundaries can be used as they are: finite, strictly increasing, at most 64 of them.</summary>
    public static bool AreUsable(IReadOnlyList<double> bounds)
    {
        if (bounds.Count is 0 or > 64)
            return false;
        for (var i = 0; i < bounds.Count; i++)
        {
            if (!double.IsFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
                return false;
        }
        return true;
    }
}

namespace Broker.Server.Prometheus;

/// <summary>The Prometheus type a metric family is exposed as (its <c># TYPE</c> line).</summary>
internal enum MetricKind
{
    /// <summary>A monotonic sum: <c>Counter</c> and <c>ObservableCounter</c>; its name ends in <c>_total</c>.</summary>
    Counter,

    /// <summary>A value that goes up and down: up-down counters and gauges, observable or not.</summary>
    Gauge,

    /// <summary>A distribution in fixed buckets, with <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series.</summary>
    Histogram,
}

/// <summary>How a family turns measurements into the value it exposes.</summary>
internal enum Aggregation
{
    /// <summary>Each measurement is a change, added to the series for the life of the process (Counter, UpDownCounter).</summary>
    Delta,

    /// <summary>
    /// Each measurement is the whole current value, reported by a callback at scrape time (observable instruments): the
    /// series are emptied before each scrape and summed over the instruments that share the name, so a series whose
    /// channel is gone disappears instead of lingering.
    /// </summary>
    Observed,

    /// <summary>The latest measurement wins (a synchronous <c>Gauge</c>).</summary>
    LastValue,

    /// <summary>Each measurement falls into a bucket and is added to the sum and the count.</summary>
    Histogram,
}

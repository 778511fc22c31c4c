using System.Diagnostics;

namespace Broker.Diagnostics;

/// <summary>
/// Carries W3C trace context (<c>traceparent</c>, <c>tracestate</c>, <c>baggage</c>) in a message's headers through
/// the runtime's <see cref="DistributedContextPropagator"/>, the same propagator HttpClient and ASP.NET Core use, so
/// an application that replaces it (or turns it off) gets the same behaviour on its queues as on its HTTP calls.
/// </summary>
internal static class TraceContextHeaders
{
    /// <summary>The headers that carry <paramref name="context"/>; null when there is no context to carry.</summary>
    public static List<KeyValuePair<string, string>>? Inject(Activity? context)
    {
        if (context is null)
            return null;
        var headers = new List<KeyValuePair<string, string>>(3);
        try
        {
            DistributedContextPropagator.Current.Inject(context, headers, static (carrier, name, value) =>
            {
                if (carrier is List<KeyValuePair<string, string>> list && value is not null)
                    list.Add(new(name, value));
            });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A replaced propagator that throws: the message goes without trace context (TelemetryGuard's rule).
            return null;
        }
        return headers.Count == 0 ? null : headers;
    }

    /// <summary>The producer's context found in a message's headers, and its baggage.</summary>
    public static bool TryExtract(IReadOnlyDictionary<string, string> headers, out ActivityContext context, out List<KeyValuePair<string, string?>>? baggage)
    {
        context = default;
        baggage = null;
        if (headers.Count == 0)
            return false;
        try
        {
            var propagator = DistributedContextPropagator.Current;
            propagator.ExtractTraceIdAndState(headers, Get, out var traceParent, out var traceState);
            if (traceParent is null || !ActivityContext.TryParse(traceParent, traceState, isRemote: true, out context))
                return false;
            baggage = Bounded(propagator.ExtractBaggage(headers, Get));
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Headers come from any producer, and the propagator may be an application's own: whatever it cannot read
            // starts a trace of its own (TelemetryGuard's rule), never a failed delivery.
            context = default;
            baggage = null;
            return false;
        }
    }

    /// <summary>W3C's limits for baggage: 180 entries, 8,192 bytes.</summary>
    internal const int MaxBaggageEntries = 180;

    internal const int MaxBaggageBytes = 8192;

    /// <summary>
    /// The producer's baggage up to W3C's limits: a hostile producer could otherwise put thousands of entries on every
    /// consumer's span (the header limit allows about 4,000), each copied onto every span the handler starts.
    /// </summary>
    private static List<KeyValuePair<string, string?>>? Bounded(IEnumerable<KeyValuePair<string, string?>>? baggage)
    {
        if (baggage is null)
            return null;
        var kept = new List<KeyValuePair<string, string?>>();
        var bytes = 0;
        foreach (var item in baggage)
        {
            bytes += item.Key.Length + (item.Value?.Length ?? 0) + 2;
            if (kept.Count == MaxBaggageEntries || bytes > MaxBaggageBytes)
                break;
            kept.Add(item);
        }
        return kept.Count == 0 ? null : kept;
    }

    private static void Get(object? carrier, string name, out string? value, out IEnumerable<string>? values)
    {
        values = null;
        value = carrier is IReadOnlyDictionary<string, string> headers && headers.TryGetValue(name, out var found) ? found : null;
    }
}

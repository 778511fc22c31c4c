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
        DistributedContextPropagator.Current.Inject(context, headers, static (carrier, name, value) =>
        {
            if (carrier is List<KeyValuePair<string, string>> list && value is not null)
                list.Add(new(name, value));
        });
        return headers.Count == 0 ? null : headers;
    }

    /// <summary>The producer's context found in a message's headers, and its baggage.</summary>
    public static bool TryExtract(IReadOnlyDictionary<string, string> headers, out ActivityContext context, out IEnumerable<KeyValuePair<string, string?>>? baggage)
    {
        context = default;
        baggage = null;
        if (headers.Count == 0)
            return false;
        var propagator = DistributedContextPropagator.Current;
        propagator.ExtractTraceIdAndState(headers, Get, out var traceParent, out var traceState);
        if (traceParent is null || !ActivityContext.TryParse(traceParent, traceState, isRemote: true, out context))
            return false;
        baggage = propagator.ExtractBaggage(headers, Get);
        return true;
    }

    private static void Get(object? carrier, string name, out string? value, out IEnumerable<string>? values)
    {
        values = null;
        value = carrier is IReadOnlyDictionary<string, string> headers && headers.TryGetValue(name, out var found) ? found : null;
    }
}

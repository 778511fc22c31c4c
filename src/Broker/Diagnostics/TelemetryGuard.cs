using System.Diagnostics;

namespace Broker.Diagnostics;

/// <summary>
/// Telemetry never costs a message. Listeners (an SDK's sampler, an exporter's callbacks) and the propagator (which an
/// application may replace) are other people's code that runs inside a produce or a delivery; when one of them throws,
/// the span or the trace context is dropped and the message goes on as if nothing listened.
/// </summary>
internal static class TelemetryGuard
{
    /// <summary>Starts a span; its arguments go in <paramref name="state"/>, so a static lambda allocates nothing.</summary>
    public static Activity? Start<TState>(Func<TState, Activity?> start, TState state)
    {
        try
        {
            return start(state);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    public static void Stop(Activity? activity)
    {
        if (activity is null)
            return;
        try
        {
            activity.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An ActivityStopped callback threw: the span is lost, the message is not.
        }
    }

    /// <summary>Marks a span failed as the conventions say: Error status with the message, <c>error.type</c>, an exception event.</summary>
    public static void Fail(Activity? activity, Exception exception, string? errorType)
    {
        if (activity is null)
            return;
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(MessagingTags.ErrorType, errorType);
            activity.AddException(exception);
        }
    }
}

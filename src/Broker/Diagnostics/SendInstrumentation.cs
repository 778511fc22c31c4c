using System.Diagnostics;

namespace Broker.Diagnostics;

/// <summary>
/// The telemetry of one produce: a <c>send &lt;channel&gt;</c> producer span, whose context the message's headers
/// carry, and the send metrics. With nothing listening it costs two checks and no allocation.
/// </summary>
internal readonly struct SendInstrumentation
{
    private readonly string _channel;
    private readonly long _started;

    private SendInstrumentation(string channel, Activity? activity, long started)
    {
        _channel = channel;
        Activity = activity;
        _started = started;
    }

    /// <summary>The send span; null when no listener samples Broker's source.</summary>
    public Activity? Activity { get; }

    /// <summary>
    /// The context the message should carry: the send span, or, when Broker's source is not listened to, whatever
    /// span is current (an HTTP request's, say), so a trace still crosses the queue.
    /// </summary>
    public Activity? ContextToCarry => Activity ?? Activity.Current;

    public static SendInstrumentation Start(string channel)
    {
        var activity = BrokerTelemetry.Source.HasListeners() ? TelemetryGuard.Start(static channel => StartActivity(channel), channel) : null;
        var timed = ClientInstruments.OperationDuration.Enabled;
        return new SendInstrumentation(channel, activity, timed ? Stopwatch.GetTimestamp() : 0);
    }

    private static Activity? StartActivity(string channel)
    {
        var activity = BrokerTelemetry.Source.StartActivity(SpanNames.Send(channel), ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTags.System, BrokerTelemetry.MessagingSystem);
            activity.SetTag(MessagingTags.DestinationName, channel);
            activity.SetTag(MessagingTags.OperationType, MessagingTags.SendOperation);
            activity.SetTag(MessagingTags.OperationName, MessagingTags.SendOperation);
        }
        return activity;
    }

    public void Succeeded(ProduceResult result, int bodySize)
    {
        if (Activity is { IsAllDataRequested: true } activity)
        {
            activity.SetTag(MessagingTags.MessageId, result.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag(MessagingTags.BodySize, bodySize);
            if (result.IsDuplicate)
                activity.SetTag(MessagingTags.Duplicate, true);
        }
        Record(errorType: null);
        TelemetryGuard.Stop(Activity);
    }

    public void Failed(Exception exception)
    {
        var errorType = exception.GetType().FullName;
        TelemetryGuard.Fail(Activity, exception, errorType);
        Record(errorType);
        TelemetryGuard.Stop(Activity);
    }

    private void Record(string? errorType)
    {
        if (ClientInstruments.SentMessages.Enabled)
        {
            var tags = ClientInstruments.Tags(_channel, MessagingTags.SendOperation, errorType);
            ClientInstruments.SentMessages.Add(1, tags);
        }
        if (_started != 0 && ClientInstruments.OperationDuration.Enabled)
        {
            var tags = ClientInstruments.Tags(_channel, MessagingTags.SendOperation, errorType);
            tags.Add(MessagingTags.OperationType, MessagingTags.SendOperation);
            ClientInstruments.OperationDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        }
    }
}

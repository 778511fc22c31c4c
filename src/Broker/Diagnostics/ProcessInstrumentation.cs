using System.Diagnostics;
using Broker.Transport;

namespace Broker.Diagnostics;

/// <summary>
/// The telemetry of one handler call: a <c>process &lt;channel&gt;</c> consumer span whose parent is the producer's
/// send span (carried in the message's headers) and which also links to it, as the messaging conventions advise for a
/// single message; and the consume metrics. The span stays open until the message is settled, so it shows what
/// became of the message. With nothing listening it costs a few checks and no allocation.
/// </summary>
internal sealed class ProcessInstrumentation : IDisposable
{
    private readonly string _channel;
    private readonly Activity? _activity;
    private readonly long _started;
    private readonly bool _countedActive;

    private ProcessInstrumentation(string channel, Activity? activity, long started, bool countedActive)
    {
        _channel = channel;
        _activity = activity;
        _started = started;
        _countedActive = countedActive;
    }

    /// <summary>Telemetry that records nothing, for a process with no listener (shared: it holds no state).</summary>
    private static ProcessInstrumentation? s_none;

    public static ProcessInstrumentation Start(string channel, Delivery delivery, IReadOnlyDictionary<string, string> headers)
    {
        var activity = BrokerTelemetry.Source.HasListeners() ? TelemetryGuard.Start(static s => StartActivity(s.channel, s.delivery, s.headers), (channel, delivery, headers)) : null;
        if (ClientInstruments.ConsumedMessages.Enabled)
            ClientInstruments.ConsumedMessages.Add(1, ClientInstruments.Tags(channel, MessagingTags.ProcessOperation, errorType: null));
        // Only a call counted as started is counted as finished, so a listener attached mid-call never sees a negative count.
        var countedActive = ClientInstruments.ActiveHandlers.Enabled;
        if (countedActive)
            ClientInstruments.ActiveHandlers.Add(1, new KeyValuePair<string, object?>(MessagingTags.DestinationName, channel));
        var started = ClientInstruments.ProcessDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        if (activity is null && !countedActive && started == 0)
            return s_none ??= new ProcessInstrumentation(channel, null, 0, false);
        return new ProcessInstrumentation(channel, activity, started, countedActive);
    }

    /// <summary>The handler returned (<paramref name="exception"/> null) or threw.</summary>
    public void HandlerFinished(Exception? exception)
    {
        var errorType = exception?.GetType().FullName;
        if (_countedActive)
            ClientInstruments.ActiveHandlers.Add(-1, new KeyValuePair<string, object?>(MessagingTags.DestinationName, _channel));
        if (_started != 0 && ClientInstruments.ProcessDuration.Enabled)
            ClientInstruments.ProcessDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, ClientInstruments.Tags(_channel, MessagingTags.ProcessOperation, errorType));
        if (exception is not null)
            TelemetryGuard.Fail(_activity, exception, errorType);
    }

    /// <summary>The broker's answer to the settle that followed the handler.</summary>
    /// <param name="outcome">The answer; null when none came (the lease then expires and the message is delivered again).</param>
    public void Settled(SettleOutcome? outcome)
    {
        if (_activity is { IsAllDataRequested: true } activity)
            activity.SetTag(MessagingTags.Outcome, outcome is { } known ? SettleTelemetry.Name(known) : "unknown");
    }

    public void Dispose() => TelemetryGuard.Stop(_activity);

    private static Activity? StartActivity(string channel, Delivery delivery, IReadOnlyDictionary<string, string> headers)
    {
        ActivityContext parent = default;
        ActivityLink[]? links = null;
        if (TraceContextHeaders.TryExtract(headers, out var producer, out var baggage))
        {
            parent = producer;
            links = [new ActivityLink(producer)];
        }
        var activity = BrokerTelemetry.Source.StartActivity(
            SpanNames.Process(channel), ActivityKind.Consumer, parent, tags: null, links);
        if (activity is null)
            return null;
        if (baggage is not null)
        {
            foreach (var (key, value) in baggage)
                activity.AddBaggage(key, value);
        }
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(MessagingTags.System, BrokerTelemetry.MessagingSystem);
            activity.SetTag(MessagingTags.DestinationName, channel);
            activity.SetTag(MessagingTags.OperationType, MessagingTags.ProcessOperation);
            activity.SetTag(MessagingTags.OperationName, MessagingTags.ProcessOperation);
            activity.SetTag(MessagingTags.MessageId, delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag(MessagingTags.DeliveryCount, delivery.Tries);
            activity.SetTag(MessagingTags.BodySize, delivery.Payload.Length);
        }
        return activity;
    }
}

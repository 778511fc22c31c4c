using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Broker.Diagnostics;

/// <summary>
/// The channel runtime's instruments on the <see cref="BrokerTelemetry.MeterName"/> meter: the messaging semantic
/// conventions' client metrics where they exist, Broker's own under <c>broker.client.*</c> where they do not. Every
/// measurement carries <c>messaging.system</c> and <c>messaging.destination.name</c>; failures carry <c>error.type</c>.
/// </summary>
internal static class ClientInstruments
{
    public static readonly Counter<long> SentMessages = BrokerTelemetry.Meter.CreateCounter<long>(
        "messaging.client.sent.messages", "{message}", "Messages producers attempted to send; error.type marks those that failed.");

    public static readonly Counter<long> ConsumedMessages = BrokerTelemetry.Meter.CreateCounter<long>(
        "messaging.client.consumed.messages", "{message}", "Messages delivered to a handler.");

    public static readonly Histogram<double> OperationDuration = BrokerTelemetry.Meter.CreateHistogram(
        "messaging.client.operation.duration", "s", "Duration of a produce (send) or of a settle (complete, retry, fail, release) until the broker answered.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = MessagingTags.DurationBuckets });

    public static readonly Histogram<double> ProcessDuration = BrokerTelemetry.Meter.CreateHistogram(
        "messaging.process.duration", "s", "Duration of a handler call; error.type marks those that threw.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = MessagingTags.DurationBuckets });

    public static readonly UpDownCounter<long> ActiveHandlers = BrokerTelemetry.Meter.CreateUpDownCounter<long>(
        "broker.client.handlers.active", "{handler}", "Handler calls running now.");

    public static readonly Counter<long> DeadLettered = BrokerTelemetry.Meter.CreateCounter<long>(
        "broker.client.dead_lettered", "{message}", "Messages a consumer's failure sent to the dead-letter queue (attempts exhausted, or undecodable).");

    public static readonly Counter<long> Retried = BrokerTelemetry.Meter.CreateCounter<long>(
        "broker.client.retried", "{message}", "Messages that will be delivered again after a handler failed or asked for a retry.");

    public static readonly Counter<long> LeasesLost = BrokerTelemetry.Meter.CreateCounter<long>(
        "broker.client.lease_lost", "{message}", "Deliveries whose lease was lost before their handler settled them (a renewal or a settle refused); the message goes to another worker.");

    /// <summary>The tags every measurement carries: the system, the channel, the operation, and the error type of a failure.</summary>
    public static TagList Tags(string channel, string operation, string? errorType)
    {
        var tags = new TagList
        {
            { MessagingTags.System, BrokerTelemetry.MessagingSystem },
            { MessagingTags.DestinationName, channel },
            { MessagingTags.OperationName, operation },
        };
        if (errorType is not null)
            tags.Add(MessagingTags.ErrorType, errorType);
        return tags;
    }
}

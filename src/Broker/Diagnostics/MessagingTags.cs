namespace Broker.Diagnostics;

/// <summary>
/// Attribute names and values of the OpenTelemetry messaging semantic conventions (v1.36), and Broker's own under
/// <c>messaging.broker.*</c>, the place the conventions give a system's own attributes.
/// </summary>
internal static class MessagingTags
{
    public const string System = "messaging.system";
    public const string DestinationName = "messaging.destination.name";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string MessageId = "messaging.message.id";
    public const string BodySize = "messaging.message.body.size";
    public const string ErrorType = "error.type";

    /// <summary>How many times the message has been delivered, this delivery included (1 on the first).</summary>
    public const string DeliveryCount = "messaging.broker.message.delivery_count";

    /// <summary>Set on a send span when the broker dropped the message as a duplicate of an earlier one.</summary>
    public const string Duplicate = "messaging.broker.message.duplicate";

    /// <summary>What became of the message after its handler: completed, retrying, released, dead_lettered, lease_lost.</summary>
    public const string Outcome = "messaging.broker.settle.outcome";

    public const string SendOperation = "send";
    public const string ProcessOperation = "process";
    public const string SettleOperation = "settle";

    /// <summary>The bucket boundaries the conventions recommend for messaging durations, in seconds.</summary>
    public static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
}

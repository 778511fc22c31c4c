using System.Collections;
using System.Globalization;

namespace Broker.Consuming;

/// <summary>
/// The log scope around a handler call: every line logged while it runs, the handler's own included, carries the
/// channel, the message id and the delivery count. A list of pairs is the shape logging providers (console JSON,
/// OpenTelemetry, Serilog) turn into structured fields; the keys are the span attributes' names, so a log line and the
/// process span it belongs to share their fields.
/// </summary>
internal sealed class MessageLogScope(string channel, long messageId, int deliveryCount) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string ChannelKey = Diagnostics.MessagingTags.DestinationName;
    public const string MessageIdKey = Diagnostics.MessagingTags.MessageId;
    public const string DeliveryCountKey = Diagnostics.MessagingTags.DeliveryCount;

    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(ChannelKey, channel),
        1 => new(MessageIdKey, messageId),
        2 => new(DeliveryCountKey, deliveryCount),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What a text logger with scopes on prints.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Channel '{channel}', message {messageId}, delivery {deliveryCount}");
}

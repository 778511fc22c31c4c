using Broker.Management;

namespace Broker.Dashboard.Pages;

/// <summary>A payload as text for a person: indented JSON without the message type, or why it is not a BSON document.</summary>
internal static class PayloadText
{
    public static string Of(ReadOnlySpan<byte> payload) => BsonJson.ToIndentedJsonOrReason(payload);
}

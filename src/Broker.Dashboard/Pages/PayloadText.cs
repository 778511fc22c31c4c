namespace Broker.Dashboard.Pages;

/// <summary>A payload as text for a person.</summary>
internal static class PayloadText
{
    // UNTIL Broker.Management.BsonJson lands on main: the byte count only.
    public static string Of(ReadOnlySpan<byte> payload) => $"({payload.Length} bytes of BSON)";
}

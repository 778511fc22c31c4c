using System.Text.Json;
using Broker.Bson;
using Broker.Management;
using Broker.Transport;

namespace Broker.Cli.Output;

/// <summary>A message's payload and headers as a person and a script read them: indented JSON, and a dictionary.</summary>
internal static class PayloadView
{
    /// <summary>The payload as indented JSON (relaxed Extended JSON, without the message type), or why it is not a BSON document.</summary>
    /// <param name="payload">The BSON document.</param>
    /// <returns>The text, and the parsed JSON for <c>--json</c> (null when the payload is not a document).</returns>
    public static (string Text, JsonElement? Json) Decode(ReadOnlyMemory<byte> payload)
    {
        string text;
        try
        {
            text = BsonJson.ToIndentedJson(payload.Span);
        }
        catch (BsonFormatException ex)
        {
            return ($"(not a BSON document: {ex.Message}; {payload.Length} bytes)", null);
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return (text, document.RootElement.Clone());
        }
        catch (JsonException)
        {
            // Names BSON allows and JSON writers would escape differently: show the text, give scripts a string.
            return (text, JsonSerializer.SerializeToElement(text, CliJsonContext.Default.String));
        }
    }

    /// <summary>The headers, in the order they were produced; a reason instead when they cannot be read.</summary>
    /// <param name="headers">The encoded headers (empty for none).</param>
    public static (IReadOnlyDictionary<string, string> Headers, string? Error) Headers(ReadOnlyMemory<byte> headers)
    {
        if (headers.IsEmpty)
            return (new Dictionary<string, string>(), null);
        try
        {
            return (HeaderCodec.Decode(headers.Span), null);
        }
        catch (BsonFormatException ex)
        {
            return (new Dictionary<string, string>(), $"(headers not readable: {ex.Message})");
        }
    }
}

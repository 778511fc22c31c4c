using Broker.Bson;
using Broker.Transport;

namespace Broker.Dashboard.Pages;

/// <summary>A message's headers and payload, as a page shows them (always encoded).</summary>
internal static class MessageView
{
    /// <summary>
    /// The most characters of a payload's JSON a page shows: a page lists many messages, and a server takes payloads of
    /// up to 255 MiB, so a page of them must not become gigabytes of HTML.
    /// </summary>
    public const int MaxPayloadCharacters = 16 * 1024;

    public static void Headers(Html html, ReadOnlyMemory<byte> encoded)
    {
        if (encoded.IsEmpty)
            return;
        IReadOnlyDictionary<string, string> headers;
        try
        {
            headers = HeaderCodec.Decode(encoded.Span);
        }
        catch (BsonFormatException ex)
        {
            html.Raw("<p class=\"error\">Headers not readable: ").Text(ex.Message).Raw("</p>");
            return;
        }
        html.Raw("<dl class=\"headers\">");
        foreach (var (name, value) in headers)
            html.Raw("<dt>").Text(name).Raw("</dt><dd>").Text(value).Raw("</dd>");
        html.Raw("</dl>");
    }

    public static void Payload(Html html, ReadOnlyMemory<byte> payload)
    {
        var json = PayloadText.Of(payload.Span);
        html.Raw("<details class=\"payload\"><summary>Payload, ").Text(Format.Bytes(payload.Length)).Raw("</summary><pre>");
        if (json.Length > MaxPayloadCharacters)
            html.Text(json[..MaxPayloadCharacters]).Raw("</pre><p class=\"note\">Cut short: the first ").Number(MaxPayloadCharacters).Raw(" characters of ").Number(json.Length).Raw(".</p>");
        else
            html.Text(json).Raw("</pre>");
        html.Raw("</details>");
    }
}

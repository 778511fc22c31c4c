using System.Collections.ObjectModel;
using System.Text;
using Broker.Bson;

namespace Broker.Transport;

/// <summary>
/// A message's headers as the transports carry them: one BSON document of string values, or no bytes at all for a
/// message without headers. Adapters store and send these bytes as they are (the log, the server protocol); only the
/// channel runtime and adapters that must map them (NATS) decode them. Keys are case-sensitive strings.
/// </summary>
public static class HeaderCodec
{
    /// <summary>
    /// The most bytes a message's headers may take, encoded: 16 KiB. Trace context and correlation ids take a few
    /// hundred bytes; the bound keeps headers from becoming a second payload that no size limit covers.
    /// </summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>The longest header key, in characters.</summary>
    public const int MaxKeyLength = 256;

    private static readonly IReadOnlyDictionary<string, string> s_none = ReadOnlyDictionary<string, string>.Empty;

    // Keys that are not UTF-8 are refused, not decoded into replacement characters (two different keys would collide).
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes headers, checking every key and value and the total size.</summary>
    /// <param name="headers">The headers; null or empty for none.</param>
    /// <param name="channel">The channel the message is for, named in errors.</param>
    /// <returns>The BSON document, or an empty array when there are no headers.</returns>
    /// <exception cref="ArgumentException">A key is empty, too long or holds a NUL; a value is null or holds a NUL; or they are over <see cref="MaxBytes"/>.</exception>
    public static byte[] Encode(IReadOnlyDictionary<string, string>? headers, string channel) =>
        EncodeWithTraceContext(headers, traceContext: null, channel);

    /// <summary>
    /// Encodes the caller's headers followed by the trace context headers (<c>traceparent</c>, <c>tracestate</c>,
    /// <c>baggage</c>) of the produce. A key the caller set keeps the caller's value: an application that forwards a
    /// context of its own on purpose is not overruled. When the trace context would take the headers past
    /// <see cref="MaxBytes"/>, the baggage is left out, then the whole context.
    /// </summary>
    internal static byte[] EncodeWithTraceContext(IReadOnlyDictionary<string, string>? headers, List<KeyValuePair<string, string>>? traceContext, string channel)
    {
        if ((headers is null || headers.Count == 0) && (traceContext is null || traceContext.Count == 0))
            return [];
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        var writer = new BsonWriter(buffer);
        var start = writer.WriteStartDocument();
        if (headers is not null)
        {
            foreach (var (key, value) in headers)
            {
                CheckKey(key, channel);
                if (value is null)
                    throw new ArgumentException($"Header '{key}' of a message for channel '{channel}' is null; a header's value is a string.", nameof(headers));
                if (value.Contains('\0', StringComparison.Ordinal))
                    throw new ArgumentException($"Header '{key}' of a message for channel '{channel}' holds a NUL character.", nameof(headers));
                writer.WriteString(key, value);
            }
        }
        if (traceContext is not null)
        {
            foreach (var (key, value) in traceContext)
            {
                // The propagator's values are ASCII by the W3C grammar; a NUL would only come from a broken propagator.
                if (headers?.ContainsKey(key) == true || value.Contains('\0', StringComparison.Ordinal))
                    continue;
                writer.WriteString(key, value);
            }
        }
        writer.WriteEndDocument(start);
        writer.Flush();
        if (buffer.WrittenCount > MaxBytes)
        {
            // Telemetry never costs a produce: what does not fit goes, baggage first, then the trace context. Only the
            // caller's own headers can make a produce fail.
            if (traceContext is { Count: > 0 })
            {
                var withoutBaggage = traceContext.FindAll(h => h.Key != BaggageHeader);
                return EncodeWithTraceContext(headers, withoutBaggage.Count < traceContext.Count ? withoutBaggage : null, channel);
            }
            throw new ArgumentException($"The headers of a message for channel '{channel}' take {buffer.WrittenCount} bytes encoded; the limit is {MaxBytes} bytes.", nameof(headers));
        }
        return buffer.WrittenSpan.ToArray();
    }

    private const string BaggageHeader = "baggage";

    /// <summary>Decodes headers that <see cref="Validate"/> accepted (or that this process encoded).</summary>
    /// <param name="encoded">The BSON document, or no bytes for none.</param>
    /// <returns>The headers, in the order they were written; empty for none.</returns>
    /// <exception cref="BsonFormatException">The bytes are not a document of string values.</exception>
    public static IReadOnlyDictionary<string, string> Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
            return s_none;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new BsonReader(encoded);
        var scope = reader.ReadStartDocument();
        while (reader.ReadElement(out var name))
        {
            if (reader.CurrentType != BsonType.String)
                throw new BsonFormatException(reader.Position, $"header '{Encoding.UTF8.GetString(name)}' is a {reader.CurrentType}, not a string");
            string key;
            try
            {
                key = s_strictUtf8.GetString(name);
            }
            catch (DecoderFallbackException)
            {
                throw new BsonFormatException(reader.Position, "a header key is not UTF-8");
            }
            if (!headers.TryAdd(key, reader.ReadString()))
                throw new BsonFormatException(reader.Position, $"header '{key}' appears twice");
        }
        reader.ReadEndDocument(scope);
        if (reader.Position != encoded.Length)
            throw new BsonFormatException(reader.Position, "bytes follow the headers document");
        return new ReadOnlyDictionary<string, string>(headers);
    }

    /// <summary>
    /// Checks encoded headers that came from elsewhere (a server's client): a BSON document of string values within
    /// <see cref="MaxBytes"/>, every key within <see cref="MaxKeyLength"/>, each key once.
    /// </summary>
    /// <param name="encoded">The bytes; empty for none.</param>
    /// <param name="channel">The channel the message is for, named in errors.</param>
    /// <exception cref="ArgumentException">The bytes are not such a document, or are too large.</exception>
    public static void Validate(ReadOnlySpan<byte> encoded, string channel)
    {
        if (encoded.IsEmpty)
            return;
        if (encoded.Length > MaxBytes)
            throw new ArgumentException($"The headers of a message for channel '{channel}' take {encoded.Length} bytes encoded; the limit is {MaxBytes} bytes.", nameof(encoded));
        IReadOnlyDictionary<string, string> decoded;
        try
        {
            decoded = Decode(encoded);
        }
        catch (BsonFormatException ex)
        {
            throw new ArgumentException($"The headers of a message for channel '{channel}' are not a BSON document of string values, each key once: {ex.Message}", nameof(encoded), ex);
        }
        foreach (var (key, value) in decoded)
        {
            CheckKey(key, channel);
            if (value.Contains('\0', StringComparison.Ordinal))
                throw new ArgumentException($"Header '{key}' of a message for channel '{channel}' holds a NUL character.", nameof(encoded));
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "The key comes from the caller's headers argument, which the exception names.")]
    private static void CheckKey(string key, string channel)
    {
        if (string.IsNullOrEmpty(key))
            throw new ArgumentException($"A header of a message for channel '{channel}' has an empty key.", "headers");
        if (key.Length > MaxKeyLength)
            throw new ArgumentException($"Header key '{key[..32]}…' of a message for channel '{channel}' is {key.Length} characters long; the limit is {MaxKeyLength}.", "headers");
        if (key.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"A header key of a message for channel '{channel}' holds a NUL character.", "headers");
    }
}

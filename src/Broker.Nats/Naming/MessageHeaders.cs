using System.Globalization;
using System.Text;
using NATS.Client.Core;

namespace Broker.Nats.Naming;

/// <summary>
/// The headers this adapter keeps on stored messages. A message that is re-published (handed back, retried after a
/// requested delay, moved out of the delay subject, re-driven from the dead letters) carries its identity and history
/// in them, because JetStream's own delivery count restarts with every new stream message.
/// </summary>
internal static class MessageHeaders
{
    /// <summary>The message id given to the producer (the first stream sequence); absent on a message never re-published.</summary>
    public const string Id = "Broker-Id";

    /// <summary>When the message was first stored, Unix milliseconds.</summary>
    public const string ProducedAt = "Broker-Produced";

    /// <summary>Deliveries before this stream message existed.</summary>
    public const string Tries = "Broker-Tries";

    /// <summary>How many of those deliveries ended in a retry the handler asked for (not failures).</summary>
    public const string Retries = "Broker-Retries";

    /// <summary>The message's priority (ready subjects also carry it as a token).</summary>
    public const string Priority = "Broker-Priority";

    /// <summary>When a delayed message becomes deliverable, Unix milliseconds.</summary>
    public const string Due = "Broker-Due";

    /// <summary>A keyed message's ordering key, base64 of its UTF-8 (a key may hold any character, header values may not).</summary>
    public const string Key = "Broker-Key";

    /// <summary>In a keyed message's history: deliveries that were not attempts (released, or delivered before due).</summary>
    public const string Uncounted = "Broker-Uncounted";

    /// <summary>The last handler error of a dead letter, base64 of its UTF-8 (header values cannot hold line breaks).</summary>
    public const string Error = "Broker-Error";

    /// <summary>In the dedup ledger: when the key stops blocking equal messages, Unix milliseconds.</summary>
    public const string Expires = "Broker-Expires";

    /// <summary>JetStream's deduplication header.</summary>
    public const string NatsMsgId = "Nats-Msg-Id";

    /// <summary>
    /// The message's own headers (<c>ProduceOptions.Headers</c>): their BSON document in base64, as one NATS header, so
    /// keys keep their case and any character, and a copy carries them by copying one value.
    /// </summary>
    public const string User = "Broker-Headers";

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Sets <see cref="User"/> from the encoded headers; nothing for none.</summary>
    public static void SetUser(NatsHeaders headers, ReadOnlyMemory<byte> user)
    {
        if (!user.IsEmpty)
            headers[User] = Convert.ToBase64String(user.Span);
    }

    /// <summary>The encoded headers in <see cref="User"/>; empty when there are none (or the value is not base64).</summary>
    public static byte[] GetUser(NatsHeaders? headers)
    {
        if (GetString(headers, User) is not { Length: > 0 } value) return [];
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    public static string EncodeKey(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key));

    /// <summary>The ordering key in <see cref="Key"/>, or null when there is none (or it is not base64).</summary>
    public static string? GetKey(NatsHeaders? headers)
    {
        if (GetString(headers, Key) is not { Length: > 0 } value) return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string EncodeError(string error) => Convert.ToBase64String(Encoding.UTF8.GetBytes(error));

    public static string? DecodeError(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            return value;
        }
    }

    public static long? GetLong(NatsHeaders? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var values) && long.TryParse(values.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    public static string? GetString(NatsHeaders? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>
    /// Parses the raw header block the stream API returns with a stored message (<c>NATS/1.0\r\nName: value\r\n...</c>,
    /// base64 in the JSON).
    /// </summary>
    public static NatsHeaders ParseStored(string? base64)
    {
        var headers = new NatsHeaders();
        if (string.IsNullOrEmpty(base64)) return headers;
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        var lines = text.Split("\r\n");
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (headers.TryGetValue(name, out var existing))
                headers[name] = Microsoft.Extensions.Primitives.StringValues.Concat(existing, value);
            else
                headers[name] = value;
        }
        return headers;
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Broker.Bson;

namespace Broker.Management;

/// <summary>
/// Shows a BSON document to a person as indented JSON, without knowing its message type: what the <c>broker</c> command
/// line and the dashboard print for a peeked message or a dead letter. Values JSON has no type for are written as
/// MongoDB's relaxed Extended JSON writes them (<c>{"$oid": ...}</c>, <c>{"$date": ...}</c>, <c>{"$binary": ...}</c>,
/// <c>{"$numberDecimal": ...}</c>), so the output reads like the <c>mongosh</c> output people know.
/// </summary>
public static class BsonJson
{
    // Anything printable goes out as itself; the JSON is shown, and the dashboard HTML-encodes what it shows.
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Converts one BSON document to indented JSON.</summary>
    /// <param name="document">The document's bytes.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="BsonFormatException">The bytes are not a well-formed BSON document; the message says where.</exception>
    public static string ToIndentedJson(ReadOnlySpan<byte> document)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(256, document.Length * 2));
        using (var json = new Utf8JsonWriter(output, Indented))
        {
            var reader = new BsonReader(document);
            var scope = reader.ReadStartDocument();
            WriteMembers(ref reader, json);
            reader.ReadEndDocument(scope);
            json.Flush();
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>Converts one BSON document, or says in one line why it is not one (for output that must not fail).</summary>
    /// <param name="document">The document's bytes.</param>
    /// <returns>The JSON text, or a line starting with "(not a BSON document:".</returns>
    public static string ToIndentedJsonOrReason(ReadOnlySpan<byte> document)
    {
        try
        {
            return ToIndentedJson(document);
        }
        catch (BsonFormatException ex)
        {
            return $"(not a BSON document: {ex.Message}; {document.Length} bytes)";
        }
    }

    private static void WriteMembers(ref BsonReader reader, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        while (reader.ReadElement(out _))
        {
            json.WritePropertyName(reader.GetCurrentName());
            WriteValue(ref reader, json);
        }
        json.WriteEndObject();
    }

    private static void WriteValue(ref BsonReader reader, Utf8JsonWriter json)
    {
        switch (reader.CurrentType)
        {
            case BsonType.Double:
                var number = reader.ReadDouble();
                if (double.IsFinite(number))
                    json.WriteNumberValue(number);
                else
                    Wrapped(json, "$numberDouble", double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity");
                break;
            case BsonType.String:
                json.WriteStringValue(reader.ReadString());
                break;
            case BsonType.Document:
                var document = reader.ReadStartDocument();
                WriteMembers(ref reader, json);
                reader.ReadEndDocument(document);
                break;
            case BsonType.Array:
                var array = reader.ReadStartArray();
                json.WriteStartArray();
                while (reader.ReadElement(out _))
                    WriteValue(ref reader, json);
                json.WriteEndArray();
                reader.ReadEndArray(array);
                break;
            case BsonType.Binary:
                WriteBinary(ref reader, json);
                break;
            case BsonType.ObjectId:
                Wrapped(json, "$oid", Convert.ToHexStringLower(reader.ReadObjectId()));
                break;
            case BsonType.Boolean:
                json.WriteBooleanValue(reader.ReadBoolean());
                break;
            case BsonType.DateTime:
                WriteDate(json, reader.ReadUtcDateTime());
                break;
            case BsonType.Null:
                reader.ReadNull();
                json.WriteNullValue();
                break;
            case BsonType.Int32:
                json.WriteNumberValue(reader.ReadInt32());
                break;
            case BsonType.Int64:
                json.WriteNumberValue(reader.ReadInt64());
                break;
            case BsonType.Decimal128:
                reader.ReadDecimal128(out var high, out var low);
                Wrapped(json, "$numberDecimal", Decimal128Bits.TryToDecimal(high, low, out var value, out _)
                    ? value.ToString(CultureInfo.InvariantCulture)
                    : $"0x{high:X16}{low:X16}");
                break;
            default:
                // Deprecated and MongoDB-internal types (regular expressions, code, timestamps, min/max keys) never come
                // from a generated codec: named, not decoded.
                var type = reader.CurrentType;
                reader.Skip();
                Wrapped(json, "$bsonType", type.ToString());
                break;
        }
    }

    private static void WriteBinary(ref BsonReader reader, Utf8JsonWriter json)
    {
        var data = reader.ReadBinary(out var subtype);
        if (subtype == BsonBinarySubtype.Uuid && data.Length == 16)
        {
            Wrapped(json, "$uuid", new Guid(data, bigEndian: true).ToString());
            return;
        }
        json.WriteStartObject();
        json.WriteStartObject("$binary");
        json.WriteBase64String("base64", data);
        json.WriteString("subType", ((byte)subtype).ToString("x2", CultureInfo.InvariantCulture));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteDate(Utf8JsonWriter json, long millisecondsSinceEpoch)
    {
        // Relaxed Extended JSON: an ISO-8601 string for years 1970 to 9999, the number of milliseconds otherwise.
        if (millisecondsSinceEpoch >= 0 && millisecondsSinceEpoch <= 253402300799999)
        {
            Wrapped(json, "$date", DateTimeOffset.FromUnixTimeMilliseconds(millisecondsSinceEpoch).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            return;
        }
        json.WriteStartObject();
        json.WriteStartObject("$date");
        json.WriteString("$numberLong", millisecondsSinceEpoch.ToString(CultureInfo.InvariantCulture));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Wrapped(Utf8JsonWriter json, string key, string value)
    {
        json.WriteStartObject();
        json.WriteString(key, value);
        json.WriteEndObject();
    }
}

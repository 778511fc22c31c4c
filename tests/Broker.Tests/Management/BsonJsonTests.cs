using System.Text.Json;
using Broker.Bson;
using BsonDateTime = MongoDB.Bson.BsonDateTime;
using BsonReader = Broker.Bson.BsonReader;
using Broker.Management;
using MongoDB.Bson;
using MongoDB.Bson.IO;

namespace Broker.Tests.Management;

public sealed class BsonJsonTests
{
    [Fact]
    public void PlainValuesReadAsMongoDbWritesThemInRelaxedExtendedJson()
    {
        var document = new BsonDocument
        {
            { "name", "Peter <b>\"quoted\"</b> ü" },
            { "age", 42 },
            { "big", 9_000_000_000L },
            { "ratio", 0.25 },
            { "active", true },
            { "nothing", BsonNull.Value },
            { "tags", new BsonArray { "a", 1, new BsonDocument("x", 2) } },
            { "address", new BsonDocument { { "city", "Berlin" }, { "zip", "10115" } } },
            { "id", new ObjectId("65a1b2c3d4e5f60718293a4b") },
            { "at", new BsonDateTime(new DateTime(2026, 12, 2, 16, 30, 1, 234, DateTimeKind.Utc)) },
        };

        var ours = BsonJson.ToIndentedJson(document.ToBson());
        var theirs = document.ToJson(new JsonWriterSettings { OutputMode = JsonOutputMode.RelaxedExtendedJson });

        Assert.Equal(Normalize(theirs), Normalize(ours));
        Assert.Contains("\n  \"name\": \"Peter <b>\\\"quoted\\\"</b> ü\"", ours, StringComparison.Ordinal);
    }

    [Fact]
    public void TypesJsonLacksAreWrappedAndNamed()
    {
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var document = new BsonDocument
        {
            { "uuid", new BsonBinaryData(guid, GuidRepresentation.Standard) },
            { "bytes", new BsonBinaryData([1, 2, 3]) },
            { "price", new BsonDecimal128(12.50m) },
            { "nan", double.NaN },
            { "ancient", new BsonDateTime(-1000) },
            { "regex", new BsonRegularExpression("^a", "i") },
        };

        using var json = JsonDocument.Parse(BsonJson.ToIndentedJson(document.ToBson()));
        var root = json.RootElement;

        Assert.Equal(guid.ToString(), root.GetProperty("uuid").GetProperty("$uuid").GetString());
        Assert.Equal("AQID", root.GetProperty("bytes").GetProperty("$binary").GetProperty("base64").GetString());
        Assert.Equal("00", root.GetProperty("bytes").GetProperty("$binary").GetProperty("subType").GetString());
        Assert.Equal("12.50", root.GetProperty("price").GetProperty("$numberDecimal").GetString());
        Assert.Equal("NaN", root.GetProperty("nan").GetProperty("$numberDouble").GetString());
        Assert.Equal("-1000", root.GetProperty("ancient").GetProperty("$date").GetProperty("$numberLong").GetString());
        Assert.Equal("RegularExpression", root.GetProperty("regex").GetProperty("$bsonType").GetString());
    }

    [Fact]
    public void ADamagedDocumentIsAFormatErrorOrAOneLineReason()
    {
        var bytes = new BsonDocument("name", "Peter").ToBson();
        var truncated = bytes.AsSpan(0, bytes.Length - 3).ToArray();

        Assert.Throws<BsonFormatException>(() => BsonJson.ToIndentedJson(truncated));
        Assert.StartsWith("(not a BSON document: ", BsonJson.ToIndentedJsonOrReason(truncated), StringComparison.Ordinal);
        Assert.StartsWith("(not a BSON document: ", BsonJson.ToIndentedJsonOrReason([]), StringComparison.Ordinal);
    }

    [Fact]
    public void NestingDeeperThanTheReaderAllowsIsRefusedNotRecursedInto()
    {
        // Built by hand: a document nested deeper than any writer here would write.
        var bytes = new byte[] { 5, 0, 0, 0, 0 };
        for (var depth = 0; depth < BsonReader.MaxDepth + 5; depth++)
        {
            var nested = new byte[bytes.Length + 8];
            BitConverter.TryWriteBytes(nested, nested.Length);
            nested[4] = (byte)Broker.Bson.BsonType.Document;
            nested[5] = (byte)'d';
            bytes.CopyTo(nested, 7);
            bytes = nested;
        }

        Assert.Throws<BsonFormatException>(() => BsonJson.ToIndentedJson(bytes));
    }

    private static string Normalize(string json) =>
        JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}

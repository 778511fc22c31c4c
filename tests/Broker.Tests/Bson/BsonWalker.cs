using Broker.Bson;

namespace Broker.Tests.Bson;

/// <summary>Reads every value of a document with the typed readers, the way a codec would, and counts the elements.</summary>
internal static class BsonWalker
{
    public static int Walk(ReadOnlySpan<byte> bson)
    {
        var reader = new BsonReader(bson);
        var scope = reader.ReadStartDocument();
        var count = WalkElements(ref reader);
        reader.ReadEndDocument(scope);
        return count;
    }

    private static int WalkElements(ref BsonReader reader)
    {
        var count = 0;
        while (reader.ReadElement(out _))
        {
            count++;
            switch (reader.CurrentType)
            {
                case BsonType.Document:
                    var document = reader.ReadStartDocument();
                    count += WalkElements(ref reader);
                    reader.ReadEndDocument(document);
                    break;
                case BsonType.Array:
                    var array = reader.ReadStartArray();
                    count += WalkElements(ref reader);
                    reader.ReadEndArray(array);
                    break;
                case BsonType.String:
                    reader.ReadString();
                    break;
                case BsonType.Int32:
                    reader.ReadInt32();
                    break;
                case BsonType.Int64:
                    reader.ReadInt64();
                    break;
                case BsonType.Double:
                    reader.ReadDouble();
                    break;
                case BsonType.Boolean:
                    reader.ReadBoolean();
                    break;
                case BsonType.DateTime:
                    reader.ReadUtcDateTime();
                    break;
                case BsonType.Binary:
                    reader.ReadBinary(out _);
                    break;
                case BsonType.Null:
                    reader.ReadNull();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return count;
    }
}

namespace Broker.Bson;

// Skipping: moves past a value of any type, checking every length, so that unknown elements (a newer writer's fields)
// are passed over safely. Kept apart because it is the one place that knows the size of every BSON type.
public ref partial struct BsonReader
{
    /// <summary>Skips the current element's value, whatever its type.</summary>
    /// <exception cref="BsonFormatException">The value is malformed or runs past the end of its document.</exception>
    public void Skip()
    {
        RequirePending();
        switch (_type)
        {
            case BsonType.Double:
            case BsonType.DateTime:
            case BsonType.Int64:
            case BsonType.Timestamp:
                Take(8);
                break;
            case BsonType.Int32:
                Take(4);
                break;
            case BsonType.Decimal128:
                Take(16);
                break;
            case BsonType.ObjectId:
                Take(12);
                break;
            case BsonType.Boolean:
                Take(1);
                break;
            case BsonType.Null:
            case BsonType.Undefined:
            case BsonType.MinKey:
            case BsonType.MaxKey:
                _valuePending = false;
                break;
            case BsonType.String:
            case BsonType.JavaScript:
            case BsonType.Symbol:
                TakeStringBytes();
                break;
            case BsonType.Document:
            case BsonType.Array:
            case BsonType.JavaScriptWithScope:
                Take(ReadLength(minimum: 5, "embedded value"));
                break;
            case BsonType.Binary:
                Take(ReadLength(minimum: 0, "binary value") + 5L);
                break;
            case BsonType.RegularExpression:
                _position = SkipCString(SkipCString(_position));
                _valuePending = false;
                break;
            case BsonType.DBPointer:
                TakeStringBytes();
                _valuePending = true; // the pointer's 12-byte ObjectId follows its string
                Take(12);
                break;
            default:
                throw new BsonFormatException(_elementStart, $"unknown element type 0x{(byte)_type:X2}.");
        }
    }

    private int SkipCString(int at)
    {
        var length = _bson.Slice(at, Math.Max(0, _end - 1 - at)).IndexOf((byte)0);
        if (length < 0)
            throw new BsonFormatException(at, $"element '{DescribeName()}': a C string runs past the end of the document.");
        return at + length + 1;
    }
}

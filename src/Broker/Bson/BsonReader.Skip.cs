using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Broker.Bson;

// Skipping: moves past a value of any type, checking every length, so that unknown elements (a newer writer's fields)
// are passed over safely, and counting the elements of an array to size it. Kept apart because it is the one place that
// knows the size of every BSON type.
public ref partial struct BsonReader
{
    /// <summary>Skips the current element's value, whatever its type.</summary>
    /// <exception cref="BsonFormatException">The value is malformed or runs past the end of its document.</exception>
    public void Skip()
    {
        if (_valuePending && TrySizeValue((byte)_type, _position, out var size))
        {
            Consume(size);
            return;
        }
        SkipChecked();
    }

    /// <summary>
    /// Counts the elements left in the current document or array without moving, so an array can be sized exactly. Each
    /// element takes at least two bytes, so the count is bounded by the input's size.
    /// </summary>
    /// <returns>The number of elements before the end.</returns>
    /// <exception cref="BsonFormatException">An element is malformed.</exception>
    public readonly int CountElements()
    {
        // One pass of arithmetic over elements whose sizes their first bytes tell; at anything else (malformed bytes, a
        // regular expression) the count starts again with the checked reads, which report what is wrong.
        if (!_valuePending && _depth != 0)
        {
            var position = _position;
            var terminator = _end - 1;
            var count = 0;
            while (true)
            {
                var type = _bson[position];
                if (type == 0)
                {
                    if (position == terminator)
                        return count;
                    break;
                }
                if (!IsKnownType(type))
                    break;
                var nameLength = NameLength(position + 1, terminator);
                if (nameLength < 0)
                    break;
                var value = position + 1 + nameLength + 1;
                if (!TrySizeValue(type, value, out var size))
                    break;
                position = value + size;
                count++;
            }
        }
        return CountElementsChecked();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly int CountElementsChecked()
    {
        var probe = this;
        var count = 0;
        while (probe.ReadElement(out _))
        {
            probe.SkipChecked();
            count++;
        }
        return count;
    }

    // The size of the well-formed value of `type` at `at`, for the types whose first bytes tell it, when it ends before
    // the document's terminating zero: exactly what SkipChecked would pass over without an error. False leaves the value
    // to SkipChecked, to skip or report.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly bool TrySizeValue(byte type, int at, out int size)
    {
        var available = _end - 1 - at;
        int length;
        switch ((BsonType)type)
        {
            case BsonType.Double:
            case BsonType.DateTime:
            case BsonType.Int64:
            case BsonType.Timestamp:
                size = 8;
                break;
            case BsonType.Int32:
                size = 4;
                break;
            case BsonType.Decimal128:
                size = 16;
                break;
            case BsonType.ObjectId:
                size = 12;
                break;
            case BsonType.Boolean:
                size = 1;
                break;
            case BsonType.Null:
            case BsonType.Undefined:
            case BsonType.MinKey:
            case BsonType.MaxKey:
                size = 0;
                break;
            case BsonType.String:
            case BsonType.JavaScript:
            case BsonType.Symbol:
                // int32 length counting the terminating zero, the bytes, the zero.
                length = available >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(_bson.Slice(at, 4)) : 0;
                size = length + 4;
                return length >= 1 && length <= available - 4 && _bson[at + 3 + length] == 0;
            case BsonType.Document:
            case BsonType.Array:
            case BsonType.JavaScriptWithScope:
                length = available >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(_bson.Slice(at, 4)) : 0;
                size = length;
                return length >= 5 && length <= available;
            case BsonType.Binary:
                // int32 length of the data, the subtype, the data.
                length = available >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(_bson.Slice(at, 4)) : -1;
                size = length + 5;
                return length >= 0 && length <= available - 5;
            default:
                size = 0;
                return false;
        }
        return size <= available;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SkipChecked()
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

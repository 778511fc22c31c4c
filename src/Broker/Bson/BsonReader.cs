using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Broker.Bson;

/// <summary>
/// Reads BSON from a span with no allocation beyond the values it returns. Generated codecs call it. Every length is
/// checked against the bytes that remain before it is used, so corrupt or truncated input ends in a
/// <see cref="BsonFormatException"/> naming the offset, never in an <see cref="IndexOutOfRangeException"/>, a hang or an
/// allocation sized by an unchecked length.
/// </summary>
/// <remarks>
/// A document is read element by element; an element whose name is not recognised is skipped, so an old reader accepts
/// a newer writer's documents:
/// <code>
/// var scope = reader.ReadStartDocument();
/// while (reader.ReadElement(out var name))
/// {
///     if (name.SequenceEqual("_id"u8)) id = reader.ReadInt32();
///     else reader.Skip();
/// }
/// reader.ReadEndDocument(scope);
/// </code>
/// Numeric reads accept the other numeric types when the value converts exactly (an int64 of 5 reads as an int32), as
/// MongoDB.Bson does, so a field can be widened without breaking older messages.
/// </remarks>
public ref struct BsonReader
{
    /// <summary>How deeply documents and arrays may nest, the root included. Deeper input is rejected, not recursed into.</summary>
    public const int MaxDepth = BsonWriter.MaxDepth;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _bson;
    private int _position;
    private int _end;
    private int _depth;
    private int _elementStart;
    private int _nameLength;
    private BsonType _type;
    private bool _valuePending;

    /// <summary>Creates a reader over BSON bytes that start with a document.</summary>
    /// <param name="bson">The bytes. Bytes after the first document are left unread.</param>
    public BsonReader(ReadOnlySpan<byte> bson)
    {
        _bson = bson;
        _position = 0;
        _end = bson.Length;
        _depth = 0;
        _elementStart = 0;
        _nameLength = 0;
        _type = default;
        _valuePending = false;
    }

    /// <summary>The offset of the next byte to read.</summary>
    public readonly int Position => _position;

    /// <summary>How many documents and arrays are open.</summary>
    public readonly int Depth => _depth;

    /// <summary>The type of the element <see cref="ReadElement"/> returned last.</summary>
    public readonly BsonType CurrentType => _type;

    /// <summary>The UTF-8 name of the element <see cref="ReadElement"/> returned last.</summary>
    public readonly ReadOnlySpan<byte> CurrentName => _bson.Slice(_elementStart + 1, _nameLength);

    /// <summary>Starts reading a document: the root, or the value of the current element.</summary>
    /// <returns>The token to pass to <see cref="ReadEndDocument"/>.</returns>
    /// <exception cref="BsonFormatException">The bytes are not a document, or it is nested too deeply.</exception>
    public BsonReaderScope ReadStartDocument()
    {
        if (_valuePending)
            RequireType(BsonType.Document, "a document");
        else if (_depth != 0)
            throw new InvalidOperationException("Inside a document, ReadStartDocument reads the value of the element ReadElement returned.");
        return Enter("document");
    }

    /// <summary>Starts reading the array that is the value of the current element.</summary>
    /// <returns>The token to pass to <see cref="ReadEndArray"/>.</returns>
    /// <exception cref="BsonFormatException">The element is not an array, or it is malformed.</exception>
    public BsonReaderScope ReadStartArray()
    {
        RequirePending();
        RequireType(BsonType.Array, "an array");
        return Enter("array");
    }

    /// <summary>Moves to the next element of the current document or array.</summary>
    /// <param name="name">The element's UTF-8 name; array element names are their indexes, which readers may ignore.</param>
    /// <returns>False at the end of the document; then call <see cref="ReadEndDocument"/>.</returns>
    /// <exception cref="BsonFormatException">The element is malformed.</exception>
    /// <exception cref="InvalidOperationException">The previous element's value was neither read nor skipped.</exception>
    public bool ReadElement(out ReadOnlySpan<byte> name)
    {
        if (_valuePending)
            throw new InvalidOperationException($"The value of element '{DescribeName()}' was neither read nor skipped.");
        if (_depth == 0)
            throw new InvalidOperationException("ReadElement needs an open document; call ReadStartDocument first.");

        var terminator = _end - 1;
        var typeByte = _bson[_position];
        if (typeByte == 0)
        {
            if (_position != terminator)
                throw new BsonFormatException(_position, $"the document ends at offset {_position}, but its length says it ends at offset {terminator}.");
            name = default;
            return false;
        }
        if (!IsKnownType(typeByte))
            throw new BsonFormatException(_position, $"unknown element type 0x{typeByte:X2}.");

        var nameStart = _position + 1;
        var nameLength = _bson.Slice(nameStart, terminator - nameStart).IndexOf((byte)0);
        if (nameLength < 0)
            throw new BsonFormatException(nameStart, "the element name runs past the end of the document.");

        _elementStart = _position;
        _nameLength = nameLength;
        _type = (BsonType)typeByte;
        _position = nameStart + nameLength + 1;
        _valuePending = true;
        name = _bson.Slice(nameStart, nameLength);
        return true;
    }

    /// <summary>Finishes the document started with <paramref name="scope"/>, after <see cref="ReadElement"/> returned false.</summary>
    /// <param name="scope">The token from <see cref="ReadStartDocument"/>.</param>
    public void ReadEndDocument(BsonReaderScope scope)
    {
        if (_valuePending || _depth == 0 || _position != _end - 1 || scope.OuterEnd < _end)
            throw new InvalidOperationException("ReadEndDocument must follow the ReadElement that returned false, with the scope of the same document.");
        _position = _end;
        _end = scope.OuterEnd;
        _depth--;
    }

    /// <summary>Finishes the array started with <paramref name="scope"/>, after <see cref="ReadElement"/> returned false.</summary>
    /// <param name="scope">The token from <see cref="ReadStartArray"/>.</param>
    public void ReadEndArray(BsonReaderScope scope) => ReadEndDocument(scope);

    /// <summary>
    /// Counts the elements left in the current document or array without moving, so an array can be sized exactly. Each
    /// element takes at least two bytes, so the count is bounded by the input's size.
    /// </summary>
    /// <returns>The number of elements before the end.</returns>
    public readonly int CountElements()
    {
        var probe = this;
        var count = 0;
        while (probe.ReadElement(out _))
        {
            probe.Skip();
            count++;
        }
        return count;
    }

    /// <summary>Decodes the current element's name, for dictionary keys.</summary>
    /// <returns>The name.</returns>
    /// <exception cref="BsonFormatException">The name is not valid UTF-8.</exception>
    public readonly string GetCurrentName()
    {
        try
        {
            return StrictUtf8.GetString(CurrentName);
        }
        catch (DecoderFallbackException)
        {
            throw new BsonFormatException(_elementStart + 1, "the element name is not valid UTF-8.");
        }
    }

    /// <summary>Consumes the current element if its value is null.</summary>
    /// <returns>True when the value was null and has been consumed; false when it is something else (still unread).</returns>
    public bool TryReadNull()
    {
        RequirePending();
        if (_type != BsonType.Null)
            return false;
        _valuePending = false;
        return true;
    }

    /// <summary>Reads a null value.</summary>
    /// <exception cref="BsonFormatException">The value is not null.</exception>
    public void ReadNull()
    {
        if (!TryReadNull())
            throw Mismatch("null");
    }

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

    /// <summary>Reads a double; an int32 or int64 that converts exactly is accepted too.</summary>
    /// <returns>The value.</returns>
    public double ReadDouble()
    {
        RequirePending();
        switch (_type)
        {
            case BsonType.Double:
                return BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
            case BsonType.Int32:
                return BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            case BsonType.Int64:
                var value = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
                if (!Int64ConvertsToDouble(value))
                    throw ElementError($"the Int64 {value} cannot be represented exactly as a Double.");
                return value;
            default:
                throw Mismatch("a Double");
        }
    }

    /// <summary>
    /// Reads a double as a <see cref="float"/> (how MongoDB.Bson stores float): <see cref="double.MaxValue"/> and
    /// <see cref="double.MinValue"/> stand for float's own extremes, as MongoDB.Bson writes them; other values beyond
    /// float's range are rejected.
    /// </summary>
    /// <returns>The value, rounded to the nearest float.</returns>
    public float ReadSingle()
    {
        var value = ReadDouble();
        if (value == double.MaxValue) return float.MaxValue;
        if (value == double.MinValue) return float.MinValue;
        if (double.IsFinite(value) && Math.Abs(value) > float.MaxValue)
            throw ElementError($"{value} is outside the range of Single.");
        return (float)value;
    }

    /// <summary>Reads an int32; an int64 or double that converts exactly is accepted too.</summary>
    /// <returns>The value.</returns>
    public int ReadInt32()
    {
        RequirePending();
        switch (_type)
        {
            case BsonType.Int32:
                return BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            case BsonType.Int64:
                var wide = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
                if (wide is < int.MinValue or > int.MaxValue)
                    throw ElementError($"the Int64 {wide} is outside the range of Int32.");
                return (int)wide;
            case BsonType.Double:
                var real = BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
                if (real is < int.MinValue or > int.MaxValue || Math.Truncate(real) != real)
                    throw ElementError($"the Double {real} is not an Int32.");
                return (int)real;
            default:
                throw Mismatch("an Int32");
        }
    }

    /// <summary>Reads an int64; an int32 or a double that converts exactly is accepted too.</summary>
    /// <returns>The value.</returns>
    public long ReadInt64()
    {
        RequirePending();
        switch (_type)
        {
            case BsonType.Int64:
                return BinaryPrimitives.ReadInt64LittleEndian(Take(8));
            case BsonType.Int32:
                return BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            case BsonType.Double:
                var real = BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
                // 2^63 is the first double above long.MaxValue; -2^63 is long.MinValue itself.
                if (!(real >= -9.2233720368547758E18 && real < 9.2233720368547758E18) || Math.Truncate(real) != real)
                    throw ElementError($"the Double {real} is not an Int64.");
                return (long)real;
            default:
                throw Mismatch("an Int64");
        }
    }

    /// <summary>Reads a <see cref="uint"/>: an int32, int64 or double whose value fits.</summary>
    /// <returns>The value.</returns>
    public uint ReadUInt32()
    {
        var value = ReadInt64();
        if (value is < 0 or > uint.MaxValue)
            throw ElementError($"{value} is outside the range of UInt32.");
        return (uint)value;
    }

    /// <summary>Reads a <see cref="ulong"/>: an int32, int64 or double that is not negative, or a Decimal128 integer that fits.</summary>
    /// <returns>The value.</returns>
    public ulong ReadUInt64()
    {
        RequirePending();
        if (_type == BsonType.Decimal128)
        {
            var value = ReadDecimal();
            if (value < 0 || value > ulong.MaxValue || decimal.Truncate(value) != value)
                throw ElementError($"{value} is not a UInt64.");
            return (ulong)value;
        }
        var number = ReadInt64();
        if (number < 0)
            throw ElementError($"{number} is outside the range of UInt64.");
        return (ulong)number;
    }

    /// <summary>Reads an int32 that must fit in a <see cref="byte"/>.</summary>
    /// <returns>The value.</returns>
    public byte ReadByte() => (byte)ReadInt32InRange(byte.MinValue, byte.MaxValue, "Byte");

    /// <summary>Reads an int32 that must fit in an <see cref="sbyte"/>.</summary>
    /// <returns>The value.</returns>
    public sbyte ReadSByte() => (sbyte)ReadInt32InRange(sbyte.MinValue, sbyte.MaxValue, "SByte");

    /// <summary>Reads an int32 that must fit in a <see cref="short"/>.</summary>
    /// <returns>The value.</returns>
    public short ReadInt16() => (short)ReadInt32InRange(short.MinValue, short.MaxValue, "Int16");

    /// <summary>Reads an int32 that must fit in a <see cref="ushort"/>.</summary>
    /// <returns>The value.</returns>
    public ushort ReadUInt16() => (ushort)ReadInt32InRange(ushort.MinValue, ushort.MaxValue, "UInt16");

    /// <summary>Reads a <see cref="char"/>: an int32 UTF-16 code unit (MongoDB.Bson's default) or a one-character string.</summary>
    /// <returns>The value.</returns>
    public char ReadChar()
    {
        RequirePending();
        if (_type == BsonType.String)
        {
            var text = ReadString();
            if (text.Length != 1)
                throw new BsonFormatException(_elementStart, $"element '{DescribeName()}': a Char must be a one-character string, not {text.Length} characters.");
            return text[0];
        }
        return (char)ReadInt32InRange(char.MinValue, char.MaxValue, "Char");
    }

    /// <summary>Reads a boolean.</summary>
    /// <returns>The value.</returns>
    public bool ReadBoolean()
    {
        RequirePending();
        if (_type != BsonType.Boolean)
            throw Mismatch("a Boolean");
        var offset = _position;
        return Take(1)[0] switch
        {
            0 => false,
            1 => true,
            var other => throw new BsonFormatException(offset, $"element '{DescribeName()}': a Boolean is 0 or 1, not {other}."),
        };
    }

    /// <summary>Reads a UTF-8 string (a symbol is accepted too).</summary>
    /// <returns>The value.</returns>
    public string ReadString()
    {
        RequirePending();
        if (_type is not (BsonType.String or BsonType.Symbol))
            throw Mismatch("a String");
        var offset = _position;
        var bytes = TakeStringBytes();
        if (bytes.IsEmpty)
            return string.Empty;
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new BsonFormatException(offset, $"element '{DescribeName()}': the string is not valid UTF-8.");
        }
    }

    /// <summary>Reads a UTC datetime as a <see cref="DateTime"/> of kind <see cref="DateTimeKind.Utc"/>.</summary>
    /// <returns>The value.</returns>
    public DateTime ReadDateTime()
    {
        var milliseconds = ReadUtcDateTime();
        if (!BsonDateTime.TryFromMillisecondsSinceEpoch(milliseconds, out var value))
            throw ElementError($"{milliseconds} ms since the Unix epoch is outside the range of DateTime.");
        return value;
    }

    /// <summary>Reads a UTC datetime as its raw value.</summary>
    /// <returns>Milliseconds since 1970-01-01T00:00:00Z.</returns>
    public long ReadUtcDateTime()
    {
        RequirePending();
        if (_type != BsonType.DateTime)
            throw Mismatch("a DateTime");
        return BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    }

    /// <summary>Reads binary data.</summary>
    /// <param name="subtype">The subtype.</param>
    /// <returns>The data, a slice of the input.</returns>
    public ReadOnlySpan<byte> ReadBinary(out BsonBinarySubtype subtype)
    {
        RequirePending();
        if (_type != BsonType.Binary)
            throw Mismatch("a Binary");
        var length = ReadLength(minimum: 0, "binary value");
        var bytes = Take(length + 5L);
        subtype = (BsonBinarySubtype)bytes[4];
        return bytes.Slice(5);
    }

    /// <summary>Reads generic binary data into a new array (how <c>byte[]</c> travels).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ReadBytes()
    {
        var offset = _position;
        var data = ReadBinary(out var subtype);
        if (subtype == BsonBinarySubtype.OldBinary)
        {
            // The deprecated subtype 2 repeats the length inside the data.
            if (data.Length < 4 || BinaryPrimitives.ReadInt32LittleEndian(data) != data.Length - 4)
                throw new BsonFormatException(offset, $"element '{DescribeName()}': the inner length of an old binary value does not match its size.");
            return data.Slice(4).ToArray();
        }
        if (subtype != BsonBinarySubtype.Generic)
            throw new BsonFormatException(offset, $"element '{DescribeName()}' is binary subtype {(byte)subtype}; expected generic binary data (subtype 0).");
        return data.ToArray();
    }

    /// <summary>Reads a <see cref="Guid"/> stored as binary subtype 4 (standard byte order).</summary>
    /// <returns>The value.</returns>
    public Guid ReadGuid()
    {
        var offset = _position;
        var data = ReadBinary(out var subtype);
        if (subtype != BsonBinarySubtype.Uuid)
            throw new BsonFormatException(offset, $"element '{DescribeName()}' is binary subtype {(byte)subtype}; a Guid is stored as subtype 4 (standard).");
        if (data.Length != 16)
            throw new BsonFormatException(offset, $"element '{DescribeName()}' is a UUID of {data.Length} bytes; a UUID has 16.");
        return new Guid(data, bigEndian: true);
    }

    /// <summary>Reads an ObjectId.</summary>
    /// <returns>Its 12 bytes, a slice of the input.</returns>
    public ReadOnlySpan<byte> ReadObjectId()
    {
        RequirePending();
        if (_type != BsonType.ObjectId)
            throw Mismatch("an ObjectId");
        return Take(12);
    }

    /// <summary>Reads a Decimal128 as its IEEE 754-2008 bits (BID encoding).</summary>
    /// <param name="highBits">The high 64 bits.</param>
    /// <param name="lowBits">The low 64 bits.</param>
    public void ReadDecimal128(out ulong highBits, out ulong lowBits)
    {
        RequirePending();
        if (_type != BsonType.Decimal128)
            throw Mismatch("a Decimal128");
        var bytes = Take(16);
        lowBits = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        highBits = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(8));
    }

    /// <summary>
    /// Reads a <see cref="decimal"/>: a Decimal128 that converts exactly (MongoDB.Bson's default), or an int32, int64,
    /// double or string holding one.
    /// </summary>
    /// <returns>The value.</returns>
    public decimal ReadDecimal()
    {
        RequirePending();
        switch (_type)
        {
            case BsonType.Decimal128:
                ReadDecimal128(out var high, out var low);
                if (!Decimal128Bits.TryToDecimal(high, low, out var value, out var error))
                    throw ElementError(error!);
                return value;
            case BsonType.Int32:
            case BsonType.Int64:
                return ReadInt64();
            case BsonType.Double:
                var real = ReadDouble();
                if (!double.IsFinite(real) || Math.Abs(real) >= 7.9228162514264338E28)
                    throw ElementError($"the Double {real} is outside the range of Decimal.");
                return (decimal)real;
            case BsonType.String:
                var text = ReadUtf8String();
                if (!decimal.TryParse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var parsed))
                    throw ElementError($"the string '{Encoding.UTF8.GetString(text)}' is not a Decimal.");
                return parsed;
            default:
                throw Mismatch("a Decimal128");
        }
    }

    /// <summary>Reads a string as its UTF-8 bytes, a slice of the input, without decoding it (for enum names).</summary>
    /// <returns>The bytes, without the terminating zero.</returns>
    public ReadOnlySpan<byte> ReadUtf8String()
    {
        RequirePending();
        if (_type is not (BsonType.String or BsonType.Symbol))
            throw Mismatch("a String");
        return TakeStringBytes();
    }

    /// <summary>Parses a string element with the invariant culture (a number or Guid written as a string).</summary>
    /// <typeparam name="T">The type to parse.</typeparam>
    /// <returns>The value.</returns>
    public T ParseString<T>()
        where T : ISpanParsable<T>
    {
        var utf8 = ReadUtf8String();
        Span<char> chars = stackalloc char[128];
        if (utf8.Length > chars.Length || !Utf8.IsValid(utf8))
            throw ElementError($"the string is not a {typeof(T).Name}.");
        var count = Encoding.UTF8.GetChars(utf8, chars);
        if (!T.TryParse(chars.Slice(0, count), CultureInfo.InvariantCulture, out var value))
            throw ElementError($"'{chars.Slice(0, count).ToString()}' is not a {typeof(T).Name}.");
        return value;
    }

    /// <summary>Reads the name of an enum value written as a string (<c>[BsonRepresentation(BsonType.String)]</c>).</summary>
    /// <typeparam name="TEnum">The enum.</typeparam>
    /// <param name="utf8">The string, from <see cref="ReadUtf8String"/>.</param>
    /// <returns>The value, parsed as <see cref="Enum.Parse{TEnum}(string)"/> does (names, lists of flags, numbers).</returns>
    public readonly TEnum ParseEnum<TEnum>(ReadOnlySpan<byte> utf8)
        where TEnum : struct, Enum
    {
        Span<char> chars = stackalloc char[256];
        if (utf8.Length > chars.Length || !Utf8.IsValid(utf8))
            throw ElementError($"'{Encoding.UTF8.GetString(utf8)}' is not a name of {typeof(TEnum).Name}.");
        var count = Encoding.UTF8.GetChars(utf8, chars);
        if (!Enum.TryParse<TEnum>(chars.Slice(0, count), ignoreCase: false, out var value))
            throw ElementError($"'{chars.Slice(0, count).ToString()}' is not a name of {typeof(TEnum).Name}.");
        return value;
    }

    /// <summary>
    /// Reads a <see cref="TimeSpan"/>: a string in the constant ("c") format, MongoDB.Bson's default, or a number of ticks
    /// (int32, int64 or double).
    /// </summary>
    /// <returns>The value.</returns>
    public TimeSpan ReadTimeSpan()
    {
        RequirePending();
        switch (_type)
        {
            case BsonType.String:
                var utf8 = ReadUtf8String();
                Span<char> chars = stackalloc char[64];
                if (utf8.Length > chars.Length || !Utf8.IsValid(utf8))
                    throw ElementError("the string is not a TimeSpan.");
                var count = Encoding.UTF8.GetChars(utf8, chars);
                if (!TimeSpan.TryParse(chars.Slice(0, count), CultureInfo.InvariantCulture, out var parsed))
                    throw ElementError($"'{chars.Slice(0, count).ToString()}' is not a TimeSpan.");
                return parsed;
            case BsonType.Int32:
            case BsonType.Int64:
                return TimeSpan.FromTicks(ReadInt64());
            case BsonType.Double:
                var ticks = ReadDouble();
                if (!(ticks >= long.MinValue && ticks < 9.2233720368547758E18))
                    throw ElementError($"{ticks} ticks is outside the range of TimeSpan.");
                return TimeSpan.FromTicks((long)ticks);
            default:
                throw Mismatch("a TimeSpan string");
        }
    }

    /// <summary>
    /// Reads a <see cref="DateTimeOffset"/>: MongoDB.Bson's default document of <c>DateTime</c>, <c>Ticks</c> and
    /// <c>Offset</c> (minutes), or its array form <c>[ticks, offset]</c>.
    /// </summary>
    /// <returns>The value.</returns>
    public DateTimeOffset ReadDateTimeOffset()
    {
        RequirePending();
        var at = _elementStart;
        long? ticks = null;
        int? offset = null;
        if (_type == BsonType.Array)
        {
            var array = ReadStartArray();
            var index = 0;
            while (ReadElement(out _))
            {
                if (index == 0)
                    ticks = ReadInt64();
                else if (index == 1)
                    offset = ReadInt32();
                else
                    Skip();
                index++;
            }
            ReadEndArray(array);
        }
        else
        {
            var document = ReadStartDocument();
            while (ReadElement(out var name))
            {
                if (name.SequenceEqual("Ticks"u8))
                    ticks = ReadInt64();
                else if (name.SequenceEqual("Offset"u8))
                    offset = ReadInt32();
                else
                    Skip();
            }
            ReadEndDocument(document);
        }
        if (ticks is not { } clockTicks || offset is not { } minutes)
            throw new BsonFormatException(at, "a DateTimeOffset needs its Ticks and its Offset.");
        if (clockTicks is < 0 or > 3_155_378_975_999_999_999 || minutes is < -14 * 60 or > 14 * 60)
            throw new BsonFormatException(at, $"{clockTicks} ticks at an offset of {minutes} minutes is not a DateTimeOffset.");
        try
        {
            return new DateTimeOffset(clockTicks, TimeSpan.FromMinutes(minutes));
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new BsonFormatException(at, $"{clockTicks} ticks at an offset of {minutes} minutes is outside the range of DateTimeOffset.");
        }
    }

    /// <summary>Reads a <see cref="DateOnly"/>: a UTC datetime at midnight, as MongoDB.Bson writes it.</summary>
    /// <returns>The value.</returns>
    public DateOnly ReadDateOnly()
    {
        var milliseconds = ReadUtcDateTime();
        if (!BsonDateTime.TryDateOnlyFromMillisecondsSinceEpoch(milliseconds, out var value))
            throw ElementError($"{milliseconds} ms since the Unix epoch is not midnight of a date.");
        return value;
    }

    /// <summary>Reads a <see cref="TimeOnly"/>: its ticks as an integer, as MongoDB.Bson writes it.</summary>
    /// <returns>The value.</returns>
    public TimeOnly ReadTimeOnly()
    {
        var ticks = ReadInt64();
        if (ticks is < 0 or >= TimeSpan.TicksPerDay)
            throw ElementError($"{ticks} ticks is not a time of day.");
        return new TimeOnly(ticks);
    }

    /// <summary>Reads an ObjectId as its 24 lower-case hexadecimal digits (<c>[BsonRepresentation(BsonType.ObjectId)]</c> on a string).</summary>
    /// <returns>The digits.</returns>
    public string ReadObjectIdAsString()
    {
        RequirePending();
        if (_type == BsonType.String)
            return ReadString();
        return Convert.ToHexStringLower(ReadObjectId());
    }

    /// <summary>
    /// Finds the discriminator (<c>_t</c>) of the document that is the current element's value, or of the root document
    /// before <see cref="ReadStartDocument"/>, without moving. For a hierarchy written with a root class, <c>_t</c> is an
    /// array and its last entry names the actual type.
    /// </summary>
    /// <returns>The discriminator's UTF-8 bytes, or an empty span when the document has none.</returns>
    /// <exception cref="BsonFormatException">The document is malformed, or <c>_t</c> is neither a string nor an array of strings.</exception>
    public readonly ReadOnlySpan<byte> PeekDiscriminator()
    {
        var probe = this;
        probe.ReadStartDocument();
        while (probe.ReadElement(out var name))
        {
            if (!name.SequenceEqual("_t"u8))
            {
                probe.Skip();
                continue;
            }
            if (probe._type != BsonType.Array)
                return probe.ReadUtf8String();
            probe.ReadStartArray();
            ReadOnlySpan<byte> last = default;
            while (probe.ReadElement(out _))
                last = probe.ReadUtf8String();
            return last;
        }
        return default;
    }

    /// <summary>The error for a document whose discriminator names no type the codec knows.</summary>
    /// <param name="discriminator">The discriminator, from <see cref="PeekDiscriminator"/>.</param>
    /// <param name="typeName">The type being read.</param>
    /// <returns>The exception, to throw.</returns>
    public readonly BsonFormatException UnknownDiscriminator(ReadOnlySpan<byte> discriminator, string typeName) =>
        new(DocumentOffset, $"the discriminator '{Encoding.UTF8.GetString(discriminator)}' names no known type of {typeName}; list it in [BsonKnownTypes].");

    /// <summary>The error for a document without a discriminator where an abstract type is read.</summary>
    /// <param name="typeName">The abstract type being read.</param>
    /// <returns>The exception, to throw.</returns>
    public readonly BsonFormatException MissingDiscriminator(string typeName) =>
        new(DocumentOffset, $"the document has no '_t' discriminator, which {typeName} needs because it is abstract.");

    // Where the document about to be read starts: the root, or the current element's value.
    private readonly int DocumentOffset => _depth == 0 ? 0 : _valuePending ? _position : _elementStart;

    /// <summary>Creates an error about the current element, for checks the reader cannot make itself (a duplicate key).</summary>
    /// <param name="reason">What is wrong.</param>
    /// <returns>The exception, to throw.</returns>
    public readonly BsonFormatException ElementError(string reason) =>
        new(_elementStart, $"element '{DescribeName()}': {reason}");

    private BsonReaderScope Enter(string what)
    {
        var start = _position;
        // The root may fill the whole input; anything nested must leave room for its parent's terminating zero.
        var limit = _depth == 0 ? _end : _end - 1;
        if (limit - start < 5)
            throw new BsonFormatException(start, $"a {what} needs at least 5 bytes; {Math.Max(0, limit - start)} remain.");
        var length = BinaryPrimitives.ReadInt32LittleEndian(_bson.Slice(start, 4));
        if (length < 5 || length > limit - start)
            throw new BsonFormatException(start, $"the {what} length {length} does not fit: {limit - start} bytes remain.");
        if (_bson[start + length - 1] != 0)
            throw new BsonFormatException(start + length - 1, $"the {what} does not end with a zero byte.");
        if (_depth >= MaxDepth)
            throw new BsonFormatException(start, $"documents and arrays nest deeper than {MaxDepth} levels.");

        var scope = new BsonReaderScope(start, _end);
        _end = start + length;
        _position = start + 4;
        _depth++;
        _valuePending = false;
        return scope;
    }

    // Reads the int32 at the start of the current value without consuming it.
    private readonly int ReadLength(int minimum, string what)
    {
        var at = _position;
        if (_end - 1 - at < 4)
            throw new BsonFormatException(at, $"element '{DescribeName()}': the {what} is truncated.");
        var length = BinaryPrimitives.ReadInt32LittleEndian(_bson.Slice(at, 4));
        if (length < minimum)
            throw new BsonFormatException(at, $"element '{DescribeName()}': the {what} has an invalid length {length}.");
        return length;
    }

    // A BSON string: int32 length including the terminating zero, the bytes, the zero. Returns the bytes without it.
    private ReadOnlySpan<byte> TakeStringBytes()
    {
        var at = _position;
        var length = ReadLength(minimum: 1, "string");
        var whole = Take(length + 4L);
        if (whole[^1] != 0)
            throw new BsonFormatException(at + 3 + length, $"element '{DescribeName()}': the string does not end with a zero byte.");
        return whole.Slice(4, length - 1);
    }

    private int SkipCString(int at)
    {
        var length = _bson.Slice(at, Math.Max(0, _end - 1 - at)).IndexOf((byte)0);
        if (length < 0)
            throw new BsonFormatException(at, $"element '{DescribeName()}': a C string runs past the end of the document.");
        return at + length + 1;
    }

    // Lengths come from the input, so the count is a long: adding a header to int.MaxValue must not overflow.
    private ReadOnlySpan<byte> Take(long count)
    {
        var available = _end - 1 - _position;
        if (count > available)
            throw new BsonFormatException(_position, $"element '{DescribeName()}' needs {count} bytes but only {Math.Max(0, available)} remain in its document.");
        var bytes = _bson.Slice(_position, (int)count);
        _position += (int)count;
        _valuePending = false;
        return bytes;
    }

    private int ReadInt32InRange(int min, int max, string typeName)
    {
        var value = ReadInt32();
        if (value < min || value > max)
            throw ElementError($"{value} is outside the range of {typeName}.");
        return value;
    }

    private readonly void RequirePending()
    {
        if (!_valuePending)
            throw new InvalidOperationException("No element value to read; call ReadElement first.");
    }

    private readonly void RequireType(BsonType expected, string description)
    {
        if (_type != expected)
            throw Mismatch(description);
    }

    private readonly BsonFormatException Mismatch(string expected) =>
        new(_elementStart, $"element '{DescribeName()}' is {Describe(_type)}; expected {expected}.");

    private readonly string DescribeName() => Encoding.UTF8.GetString(CurrentName);

    private static string Describe(BsonType type) => type switch
    {
        BsonType.Int32 or BsonType.Int64 or BsonType.ObjectId or BsonType.Array or BsonType.Undefined => "an " + type,
        BsonType.Null => "null",
        _ => "a " + type,
    };

    private static bool IsKnownType(byte type) => type is >= 0x01 and <= 0x13 or 0x7F or 0xFF;

    private static bool Int64ConvertsToDouble(long value)
    {
        const long ExactLimit = 1L << 53;
        if (value is >= -ExactLimit and <= ExactLimit)
            return true;
        var real = (double)value;
        return real < 9.2233720368547758E18 && (long)real == value;
    }
}

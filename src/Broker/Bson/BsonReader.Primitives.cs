using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Broker.Bson;

// Primitive reads: null, numbers (with the exact-conversion widening MongoDB.Bson allows), booleans, chars and
// Decimal128. Kept together because they share one rule: another numeric type is accepted only when it converts exactly.
// The reads generated codecs make most often take their own type inline and leave conversions and errors to a method
// that is not inlined, so a codec that inlines them stays small.
public ref partial struct BsonReader
{
    /// <summary>Consumes the current element if its value is null.</summary>
    /// <returns>True when the value was null and has been consumed; false when it is something else (still unread).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadNull()
    {
        if (!_valuePending)
            throw NoPendingValue();
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

    /// <summary>Reads a double; an int32 or int64 that converts exactly is accepted too.</summary>
    /// <returns>The value.</returns>
    public double ReadDouble()
    {
        if (IsPending(BsonType.Double, sizeof(double)))
        {
            var value = BinaryPrimitives.ReadDoubleLittleEndian(_bson.Slice(_position, sizeof(double)));
            Consume(sizeof(double));
            return value;
        }
        return ReadDoubleConverted();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private double ReadDoubleConverted()
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
        if (IsPending(BsonType.Int32, sizeof(int)))
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(_bson.Slice(_position, sizeof(int)));
            Consume(sizeof(int));
            return value;
        }
        return ReadInt32Converted();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ReadInt32Converted()
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
        if (IsPending(BsonType.Int64, sizeof(long)))
        {
            var value = BinaryPrimitives.ReadInt64LittleEndian(_bson.Slice(_position, sizeof(long)));
            Consume(sizeof(long));
            return value;
        }
        return ReadInt64Converted();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long ReadInt64Converted()
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
        if (IsPending(BsonType.Boolean, 1))
        {
            var value = _bson[_position];
            if (value <= 1)
            {
                Consume(1);
                return value != 0;
            }
        }
        return ReadBooleanChecked();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ReadBooleanChecked()
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

    private int ReadInt32InRange(int min, int max, string typeName)
    {
        var value = ReadInt32();
        if (value < min || value > max)
            throw ElementError($"{value} is outside the range of {typeName}.");
        return value;
    }

    private static bool Int64ConvertsToDouble(long value)
    {
        const long ExactLimit = 1L << 53;
        if (value is >= -ExactLimit and <= ExactLimit)
            return true;
        var real = (double)value;
        return real < 9.2233720368547758E18 && (long)real == value;
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Broker.Bson;

/// <summary>
/// Writes BSON into an <see cref="IBufferWriter{T}"/> with no allocation. Generated codecs call it; the byte layout
/// follows bsonspec.org and MongoDB.Bson's default representations.
/// </summary>
/// <remarks>
/// <para>
/// The writer keeps the span it obtained from the output un-advanced while it writes, because a document's int32
/// length is only known at its end and is written back into the bytes already produced. When the span is full it
/// asks the output for a larger one and carries the pending bytes over; <see cref="Flush"/> advances the output once.
/// </para>
/// <para>
/// Documents and arrays nest through tokens: <see cref="WriteStartDocument()"/> returns the offset of the length to
/// back-patch, and <see cref="WriteEndDocument"/> takes it back:
/// <code>
/// var start = writer.WriteStartDocument();
/// writer.WriteInt32("_id"u8, 1);
/// writer.WriteString("Username"u8, "Peter");
/// writer.WriteEndDocument(start);
/// writer.Flush();
/// </code>
/// </para>
/// </remarks>
public ref struct BsonWriter
{
    /// <summary>
    /// How deeply documents and arrays may nest, the root included. Matches MongoDB.Bson's default and
    /// <see cref="BsonReader.MaxDepth"/>; deeper usually means the value has a reference cycle.
    /// </summary>
    public const int MaxDepth = 100;

    // Lone surrogates cannot be encoded; MongoDB.Bson refuses them too rather than writing replacement characters.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Up to this many chars, reserve the worst case (3 bytes a char) instead of counting the bytes first.
    private const int ReserveWorstCaseChars = 1024;

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _buffer;
    private int _position;
    private int _depth;

    /// <summary>Creates a writer over <paramref name="output"/>.</summary>
    /// <param name="output">Where the bytes go; nothing is committed to it before <see cref="Flush"/>.</param>
    public BsonWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _buffer = default;
        _position = 0;
        _depth = 0;
    }

    /// <summary>Bytes written and not yet committed to the output.</summary>
    public readonly int BytesPending => _position;

    /// <summary>How many documents and arrays are open.</summary>
    public readonly int Depth => _depth;

    /// <summary>Starts a document: the root, or the value of an element whose header was already written.</summary>
    /// <returns>The token to pass to <see cref="WriteEndDocument"/>.</returns>
    /// <exception cref="InvalidOperationException">Documents nest deeper than <see cref="MaxDepth"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int WriteStartDocument()
    {
        if (_depth >= MaxDepth)
            ThrowTooDeep();
        Ensure(4);
        var start = _position;
        _position += 4;
        _depth++;
        return start;
    }

    /// <summary>Starts an embedded document element.</summary>
    /// <param name="name">The element name.</param>
    /// <returns>The token to pass to <see cref="WriteEndDocument"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int WriteStartDocument(BsonElementName name)
    {
        WriteHeader(BsonType.Document, name, 4);
        return WriteStartDocument();
    }

    /// <summary>Starts an array element; name its elements 0, 1, 2 ... (an <see cref="int"/> converts to a name).</summary>
    /// <param name="name">The element name.</param>
    /// <returns>The token to pass to <see cref="WriteEndArray"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int WriteStartArray(BsonElementName name)
    {
        WriteHeader(BsonType.Array, name, 4);
        return WriteStartDocument();
    }

    /// <summary>Ends the document started with <paramref name="start"/>, writing its length.</summary>
    /// <param name="start">The token from the matching start.</param>
    /// <exception cref="InvalidOperationException">No document is open, or the token is not one of this writer's.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteEndDocument(int start)
    {
        if (_depth == 0 || (uint)start > (uint)(_position - 4))
            ThrowUnmatchedEnd();
        Ensure(1);
        _buffer[_position++] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.Slice(start, 4), _position - start);
        _depth--;
    }

    /// <summary>Ends the array started with <paramref name="start"/>, writing its length.</summary>
    /// <param name="start">The token from <see cref="WriteStartArray"/>.</param>
    public void WriteEndArray(int start) => WriteEndDocument(start);

    /// <summary>
    /// Writes a <see cref="float"/> as a double element, the way MongoDB.Bson does: <see cref="float.MaxValue"/> and
    /// <see cref="float.MinValue"/> become <see cref="double.MaxValue"/> and <see cref="double.MinValue"/>.
    /// </summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteSingle(BsonElementName name, float value) =>
        WriteDouble(name, value switch
        {
            float.MaxValue => double.MaxValue,
            float.MinValue => double.MinValue,
            _ => value,
        });

    /// <summary>Writes a double element (also how <see cref="float"/> travels).</summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteDouble(BsonElementName name, double value)
    {
        WriteHeader(BsonType.Double, name, 8);
        WriteRaw(BitConverter.DoubleToInt64Bits(value));
    }

    /// <summary>Writes a UTF-8 string element.</summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value; write null with <see cref="WriteNull"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="EncoderFallbackException"><paramref name="value"/> contains a lone surrogate.</exception>
    public void WriteString(BsonElementName name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // Up to three UTF-8 bytes for each UTF-16 char; a long string is measured instead so the reservation stays small.
        var maxBytes = value.Length <= ReserveWorstCaseChars ? value.Length * 3 : StrictUtf8.GetByteCount(value);
        WriteHeader(BsonType.String, name, checked(maxBytes + 5));
        if (Utf8.FromUtf16(value, _buffer.Slice(_position + 4), out _, out var length, replaceInvalidSequences: false) != OperationStatus.Done)
            throw new EncoderFallbackException($"The string of element '{name.ToString()}' contains a lone surrogate, which UTF-8 cannot encode.");
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.Slice(_position), length + 1);
        _buffer[_position + 4 + length] = 0;
        _position += length + 5;
    }

    /// <summary>Writes a binary element.</summary>
    /// <param name="name">The element name.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="subtype">The subtype; <see cref="BsonBinarySubtype.Generic"/> is how <c>byte[]</c> travels.</param>
    public void WriteBinary(BsonElementName name, scoped ReadOnlySpan<byte> data, BsonBinarySubtype subtype = BsonBinarySubtype.Generic)
    {
        WriteHeader(BsonType.Binary, name, checked(data.Length + 5));
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.Slice(_position), data.Length);
        _buffer[_position + 4] = (byte)subtype;
        data.CopyTo(_buffer.Slice(_position + 5));
        _position += data.Length + 5;
    }

    /// <summary>
    /// Writes a <see cref="Guid"/> as binary subtype 4 in the standard (big-endian, RFC 4122) byte order, as MongoDB.Bson
    /// does with <c>GuidRepresentation.Standard</c>.
    /// </summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    public void WriteGuid(BsonElementName name, Guid value)
    {
        WriteHeader(BsonType.Binary, name, 21);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.Slice(_position), 16);
        _buffer[_position + 4] = (byte)BsonBinarySubtype.Uuid;
        value.TryWriteBytes(_buffer.Slice(_position + 5, 16), bigEndian: true, out _);
        _position += 21;
    }

    /// <summary>Writes an ObjectId element.</summary>
    /// <param name="name">The element name.</param>
    /// <param name="objectId">Exactly 12 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="objectId"/> is not 12 bytes long.</exception>
    public void WriteObjectId(BsonElementName name, scoped ReadOnlySpan<byte> objectId)
    {
        if (objectId.Length != 12)
            throw new ArgumentException($"An ObjectId is 12 bytes, not {objectId.Length}.", nameof(objectId));
        WriteHeader(BsonType.ObjectId, name, 12);
        objectId.CopyTo(_buffer.Slice(_position));
        _position += 12;
    }

    /// <summary>Writes a boolean element.</summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBoolean(BsonElementName name, bool value)
    {
        WriteHeader(BsonType.Boolean, name, 1);
        Cursor = value ? (byte)1 : (byte)0;
        _position++;
    }

    /// <summary>
    /// Writes a UTC datetime element. Local and unspecified times are converted to UTC first (MinValue and MaxValue are
    /// kept), and precision below one millisecond is truncated, as MongoDB.Bson does.
    /// </summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteDateTime(BsonElementName name, DateTime value) =>
        WriteUtcDateTime(name, BsonDateTime.ToMillisecondsSinceEpoch(value));

    /// <summary>Writes a UTC datetime element from its raw value.</summary>
    /// <param name="name">The element name.</param>
    /// <param name="millisecondsSinceEpoch">Milliseconds since 1970-01-01T00:00:00Z.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUtcDateTime(BsonElementName name, long millisecondsSinceEpoch)
    {
        WriteHeader(BsonType.DateTime, name, 8);
        WriteRaw(millisecondsSinceEpoch);
    }

    /// <summary>Writes a null element (how null references and empty nullables travel).</summary>
    /// <param name="name">The element name.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteNull(BsonElementName name) => WriteHeader(BsonType.Null, name, 0);

    /// <summary>Writes a 32-bit integer element (also how byte, short, char and int-sized enums travel).</summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt32(BsonElementName name, int value)
    {
        WriteHeader(BsonType.Int32, name, 4);
        WriteRaw(value);
    }

    /// <summary>Writes a 64-bit integer element (also how long-backed enums travel).</summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt64(BsonElementName name, long value)
    {
        WriteHeader(BsonType.Int64, name, 8);
        WriteRaw(value);
    }

    /// <summary>
    /// Writes a <see cref="uint"/> as an int32 when it fits, as MongoDB.Bson does, and as an int64 when it does not (where
    /// MongoDB.Bson's default serializer would fail with an overflow; it reads the int64 back).
    /// </summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    public void WriteUInt32(BsonElementName name, uint value)
    {
        if (value <= int.MaxValue)
            WriteInt32(name, (int)value);
        else
            WriteInt64(name, value);
    }

    /// <summary>
    /// Writes a <see cref="ulong"/> as an int64 when it fits, as MongoDB.Bson does, and as a Decimal128 integer when it does
    /// not (where MongoDB.Bson's default serializer would fail with an overflow; it reads the Decimal128 back).
    /// </summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    public void WriteUInt64(BsonElementName name, ulong value)
    {
        if (value <= long.MaxValue)
            WriteInt64(name, (long)value);
        else
            WriteDecimal128(name, Decimal128Bits.IntegerHighBits, value);
    }

    /// <summary>Writes a Decimal128 element from its IEEE 754-2008 bits (BID encoding), as MongoDB.Bson's <c>Decimal128</c> holds them.</summary>
    /// <param name="name">The element name.</param>
    /// <param name="highBits">The high 64 bits.</param>
    /// <param name="lowBits">The low 64 bits.</param>
    public void WriteDecimal128(BsonElementName name, ulong highBits, ulong lowBits)
    {
        WriteHeader(BsonType.Decimal128, name, 16);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(_position), lowBits);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(_position + 8), highBits);
        _position += 16;
    }

    /// <summary>Writes a <see cref="decimal"/> as Decimal128, keeping its scale, as MongoDB.Bson does by default.</summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    public void WriteDecimal(BsonElementName name, decimal value)
    {
        Decimal128Bits.FromDecimal(value, out var high, out var low);
        WriteDecimal128(name, high, low);
    }

    /// <summary>Writes a string element from UTF-8 bytes that are already encoded (an enum's name as a <c>u8</c> literal).</summary>
    /// <param name="name">The element name.</param>
    /// <param name="utf8">The string's bytes, without a terminating zero.</param>
    public void WriteUtf8String(BsonElementName name, scoped ReadOnlySpan<byte> utf8)
    {
        WriteHeader(BsonType.String, name, checked(utf8.Length + 5));
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.Slice(_position), utf8.Length + 1);
        utf8.CopyTo(_buffer.Slice(_position + 4));
        _buffer[_position + 4 + utf8.Length] = 0;
        _position += utf8.Length + 5;
    }

    /// <summary>
    /// Writes a number or a <see cref="Guid"/> as a string in the invariant culture, as MongoDB.Bson does for
    /// <c>[BsonRepresentation(BsonType.String)]</c>.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    public void WriteFormatted<T>(BsonElementName name, T value)
        where T : IUtf8SpanFormattable
    {
        Span<byte> text = stackalloc byte[64];
        if (!value.TryFormat(text, out var length, default, CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"{typeof(T).Name} formats to more than {text.Length} bytes.");
        WriteUtf8String(name, text.Slice(0, length));
    }

    /// <summary>Writes a <see cref="TimeSpan"/> as MongoDB.Bson does by default: a string in the constant ("c") format.</summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    public void WriteTimeSpan(BsonElementName name, TimeSpan value)
    {
        // "-10675199.02:48:05.4775808" is the longest constant form: 26 ASCII characters.
        Span<byte> text = stackalloc byte[32];
        value.TryFormat(text, out var length, "c", CultureInfo.InvariantCulture);
        WriteUtf8String(name, text.Slice(0, length));
    }

    /// <summary>
    /// Writes a <see cref="DateTimeOffset"/> as MongoDB.Bson does by default: a document of the UTC <c>DateTime</c>, the
    /// clock <c>Ticks</c> and the <c>Offset</c> in minutes.
    /// </summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    public void WriteDateTimeOffset(BsonElementName name, DateTimeOffset value)
    {
        var start = WriteStartDocument(name);
        WriteDateTime("DateTime"u8, value.UtcDateTime);
        WriteInt64("Ticks"u8, value.Ticks);
        WriteInt32("Offset"u8, (int)value.Offset.TotalMinutes);
        WriteEndDocument(start);
    }

    /// <summary>Writes a <see cref="DateOnly"/> as MongoDB.Bson does by default: a UTC datetime at midnight.</summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    public void WriteDateOnly(BsonElementName name, DateOnly value) =>
        WriteUtcDateTime(name, BsonDateTime.ToMillisecondsSinceEpoch(value));

    /// <summary>Writes a <see cref="TimeOnly"/> as MongoDB.Bson does by default: its ticks as an int64.</summary>
    /// <param name="name">The element name.</param>
    /// <param name="value">The value.</param>
    public void WriteTimeOnly(BsonElementName name, TimeOnly value) => WriteInt64(name, value.Ticks);

    /// <summary>Writes a 24-digit hexadecimal string as an ObjectId element (<c>[BsonRepresentation(BsonType.ObjectId)]</c> on a string).</summary>
    /// <param name="name">The element name.</param>
    /// <param name="hex">The ObjectId's 24 hexadecimal digits.</param>
    /// <exception cref="FormatException"><paramref name="hex"/> is not 24 hexadecimal digits.</exception>
    public void WriteObjectId(BsonElementName name, string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        Span<byte> bytes = stackalloc byte[12];
        if (hex.Length != 24 || Convert.FromHexString(hex, bytes, out _, out var written) != OperationStatus.Done || written != 12)
            throw new FormatException($"'{hex}' is not a valid ObjectId: an ObjectId is 24 hexadecimal digits.");
        WriteObjectId(name, bytes);
    }

    /// <summary>Commits everything written to the output with one <see cref="IBufferWriter{T}.Advance"/>.</summary>
    /// <exception cref="InvalidOperationException">A document or array is still open.</exception>
    public void Flush()
    {
        if (_depth != 0)
            throw new InvalidOperationException($"Cannot flush while {_depth} BSON document(s) are open; their lengths are not known yet.");
        if (_position > 0)
            _output.Advance(_position);
        // The span belongs to the output again once advanced; the next write asks for a fresh one.
        _buffer = default;
        _position = 0;
    }

    // The first byte not yet written. Callers have made room with Ensure or WriteHeader, so no bounds check is needed.
    private readonly ref byte Cursor => ref Unsafe.Add(ref MemoryMarshal.GetReference(_buffer), _position);

    // Writes the type byte and the name, and makes room for valueSize bytes of value after them in the same check. A
    // generated codec's names (validated at compile time) take the short path, inlined into the codec.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteHeader(BsonType type, BsonElementName name, int valueSize)
    {
        if (name.IsValidated)
        {
            var utf8 = name.Utf8;
            Ensure(utf8.Length + 2 + valueSize);
            ref var at = ref Cursor;
            at = (byte)type;
            Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref at, 1), ref MemoryMarshal.GetReference(utf8), (uint)utf8.Length);
            Unsafe.Add(ref at, utf8.Length + 1) = 0;
            _position += utf8.Length + 2;
            return;
        }
        WriteHeaderSlow(type, name, valueSize);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteRaw(int value)
    {
        Unsafe.WriteUnaligned(ref Cursor, BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        _position += 4;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteRaw(long value)
    {
        Unsafe.WriteUnaligned(ref Cursor, BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        _position += 8;
    }

    private void WriteHeaderSlow(BsonType type, BsonElementName name, int valueSize)
    {
        if (name.IsUtf8)
        {
            var utf8 = name.Utf8;
            if (utf8.IndexOf((byte)0) >= 0)
                throw new ArgumentException($"The element name '{name.ToString()}' contains a zero byte; BSON names are C strings.", nameof(name));
            Ensure(utf8.Length + 2 + valueSize);
            _buffer[_position] = (byte)type;
            utf8.CopyTo(_buffer.Slice(_position + 1));
            _position += utf8.Length + 1;
        }
        else if (name.IsIndex)
        {
            Ensure(12 + valueSize);
            _buffer[_position] = (byte)type;
            var index = name.Index;
            // Most arrays are short: one or two digits without the general formatter.
            if (index < 10)
            {
                _buffer[_position + 1] = (byte)('0' + index);
                _position += 2;
            }
            else if (index < 100)
            {
                _buffer[_position + 1] = (byte)('0' + index / 10);
                _buffer[_position + 2] = (byte)('0' + index % 10);
                _position += 3;
            }
            else
            {
                index.TryFormat(_buffer.Slice(_position + 1), out var written, default, CultureInfo.InvariantCulture);
                _position += written + 1;
            }
        }
        else
        {
            var text = name.Text;
            if (text.Contains('\0', StringComparison.Ordinal))
                throw new ArgumentException($"The element name '{text.Replace("\0", "\\0", StringComparison.Ordinal)}' contains '\\0'; BSON names are C strings.", nameof(name));
            var maxBytes = text.Length <= ReserveWorstCaseChars ? StrictUtf8.GetMaxByteCount(text.Length) : StrictUtf8.GetByteCount(text);
            Ensure(checked(maxBytes + 2 + valueSize));
            _buffer[_position] = (byte)type;
            _position += 1 + StrictUtf8.GetBytes(text, _buffer.Slice(_position + 1));
        }
        _buffer[_position++] = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int count)
    {
        if (_buffer.Length - _position < count)
            Grow(count);
    }

    private static void ThrowTooDeep() =>
        throw new InvalidOperationException($"BSON documents nest deeper than {MaxDepth} levels; does the value contain a reference cycle?");

    private static void ThrowUnmatchedEnd() =>
        throw new InvalidOperationException("WriteEndDocument does not match an open document of this writer.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int count)
    {
        var needed = checked(_position + count);
        if (_position == 0)
        {
            _buffer = RequestSpan(needed, needed);
            return;
        }

        var sizeHint = Math.Max(needed, _buffer.Length >= int.MaxValue / 2 ? int.MaxValue : _buffer.Length * 2);
        // Set the pending bytes aside before asking for the larger span: an output may recycle its old buffer the moment
        // it hands out a new one (a pooled writer returns it to a shared pool), so the old span must not be read after.
        var pending = ArrayPool<byte>.Shared.Rent(_position);
        try
        {
            _buffer.Slice(0, _position).CopyTo(pending);
            var larger = RequestSpan(sizeHint, needed);
            pending.AsSpan(0, _position).CopyTo(larger);
            _buffer = larger;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pending);
        }
    }

    private readonly Span<byte> RequestSpan(int sizeHint, int needed)
    {
        var span = _output.GetSpan(sizeHint);
        if (span.Length < needed)
            throw new InvalidOperationException($"The output returned a span of {span.Length} bytes when {needed} were requested.");
        return span;
    }
}

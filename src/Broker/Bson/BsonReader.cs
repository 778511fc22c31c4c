using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

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
/// <para>
/// The reader is one type split into partial files by concern, as System.Text.Json splits <c>Utf8JsonReader</c>:
/// this file holds the state and the navigation through documents and arrays; <c>BsonReader.Skip.cs</c> skips values;
/// <c>.Primitives.cs</c> reads numbers, booleans and null; <c>.Strings.cs</c> strings and what is parsed from them;
/// <c>.Binary.cs</c> binary data, Guids and ObjectIds; <c>.Dates.cs</c> dates, times and durations;
/// <c>.Discriminators.cs</c> polymorphic documents; <c>.Errors.cs</c> the checks and the errors they throw.
/// </para>
/// </remarks>
public ref partial struct BsonReader
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

    /// <summary>The type of the element <see cref="ReadElement(out ReadOnlySpan{byte})"/> returned last.</summary>
    public readonly BsonType CurrentType => _type;

    /// <summary>The UTF-8 name of the element <see cref="ReadElement(out ReadOnlySpan{byte})"/> returned last.</summary>
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
        if (_valuePending || _depth == 0)
            throw ReadElementOutOfTurn();

        var position = _position;
        var terminator = _end - 1;
        var typeByte = _bson[position];
        if (typeByte == 0)
        {
            if (position != terminator)
                throw EndBeforeLength(position, terminator);
            name = default;
            return false;
        }
        if (!IsKnownType(typeByte))
            throw UnknownType(position, typeByte);

        var nameStart = position + 1;
        var nameLength = NameLength(nameStart, terminator);
        if (nameLength < 0)
            throw new BsonFormatException(nameStart, "the element name runs past the end of the document.");

        _elementStart = position;
        _nameLength = nameLength;
        _type = (BsonType)typeByte;
        _position = nameStart + nameLength + 1;
        _valuePending = true;
        name = _bson.Slice(nameStart, nameLength);
        return true;
    }

    /// <summary>
    /// Moves to the next element without handing out its name, for the elements of an array, which are read in order
    /// whatever their names say. The same checks as <see cref="ReadElement(out ReadOnlySpan{byte})"/>, with an array's
    /// short names ("0", "1", ...) found inline.
    /// </summary>
    /// <returns>False at the end of the array or document; then call <see cref="ReadEndArray"/> or <see cref="ReadEndDocument"/>.</returns>
    /// <exception cref="BsonFormatException">The element is malformed.</exception>
    /// <exception cref="InvalidOperationException">The previous element's value was neither read nor skipped.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ReadElement()
    {
        var position = _position;
        var terminator = _end - 1;
        if (!_valuePending && _depth != 0 && position < terminator - sizeof(ulong))
        {
            var typeByte = _bson[position];
            if (IsKnownType(typeByte))
            {
                // The type and a name of up to seven bytes, with its zero, lie before the document's own zero.
                var word = BinaryPrimitives.ReadUInt64LittleEndian(_bson.Slice(position + 1, sizeof(ulong)));
                var zeros = (word - 0x0101010101010101UL) & ~word & 0x8080808080808080UL;
                if (zeros != 0)
                {
                    var nameLength = BitOperations.TrailingZeroCount(zeros) >> 3;
                    _elementStart = position;
                    _nameLength = nameLength;
                    _type = (BsonType)typeByte;
                    _position = position + 1 + nameLength + 1;
                    _valuePending = true;
                    return true;
                }
            }
        }
        return ReadElement(out _);
    }

    /// <summary>
    /// Moves to the next element only when its name is exactly <paramref name="name"/>; otherwise leaves the reader where
    /// it was, for <see cref="ReadElement(out ReadOnlySpan{byte})"/> to read whatever comes (another element, the end, or malformed bytes, which
    /// it reports). Generated codecs try each member's name in the order they write them, so a document in that order is
    /// read without searching for the end of each name or matching it against every member.
    /// </summary>
    /// <param name="name">The expected name, usually a <c>u8</c> literal; it must not contain a zero byte.</param>
    /// <returns>True when the next element has this name and has been moved to; its value is then pending.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ReadElementIfNamed(ReadOnlySpan<byte> name)
    {
        var position = _position;
        var nameEnd = position + 1 + name.Length;
        // The name's zero must come before the document's own, as ReadElement requires; a wrong turn is ReadElement's to report.
        if (_valuePending || _depth == 0 || nameEnd >= _end - 1)
            return false;
        var typeByte = _bson[position];
        // Inlined with a literal, the comparison is a few word compares of known length.
        if (!IsKnownType(typeByte) || _bson[nameEnd] != 0 || !_bson.Slice(position + 1, name.Length).SequenceEqual(name))
            return false;

        _elementStart = position;
        _nameLength = name.Length;
        _type = (BsonType)typeByte;
        _position = nameEnd + 1;
        _valuePending = true;
        return true;
    }

    /// <summary>Finishes the document started with <paramref name="scope"/>, after <see cref="ReadElement(out ReadOnlySpan{byte})"/> returned false.</summary>
    /// <param name="scope">The token from <see cref="ReadStartDocument"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReadEndDocument(BsonReaderScope scope)
    {
        if (_valuePending || _depth == 0 || _position != _end - 1 || scope.OuterEnd < _end)
            throw EndOutOfTurn();
        _position = _end;
        _end = scope.OuterEnd;
        _depth--;
    }

    /// <summary>Finishes the array started with <paramref name="scope"/>, after <see cref="ReadElement(out ReadOnlySpan{byte})"/> returned false.</summary>
    /// <param name="scope">The token from <see cref="ReadStartArray"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReadEndArray(BsonReaderScope scope) => ReadEndDocument(scope);

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

    private BsonReaderScope Enter(string what)
    {
        var start = _position;
        // The root may fill the whole input; anything nested must leave room for its parent's terminating zero.
        var limit = _depth == 0 ? _end : _end - 1;
        if (limit - start < 5)
            throw ContainerTooShort(start, limit, what);
        var length = BinaryPrimitives.ReadInt32LittleEndian(_bson.Slice(start, 4));
        if (length < 5 || length > limit - start)
            throw ContainerLengthDoesNotFit(start, limit, length, what);
        if (_bson[start + length - 1] != 0)
            throw ContainerWithoutZero(start + length - 1, what);
        if (_depth >= MaxDepth)
            throw NestedTooDeeply(start);

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
            throw LengthTruncated(at, what);
        var length = BinaryPrimitives.ReadInt32LittleEndian(_bson.Slice(at, 4));
        if (length < minimum)
            throw InvalidLength(at, length, what);
        return length;
    }

    // Lengths come from the input, so the count is a long: adding a header to int.MaxValue must not overflow.
    private ReadOnlySpan<byte> Take(long count)
    {
        var available = _end - 1 - _position;
        if (count > available)
            throw NotEnoughBytes(count, available);
        var bytes = _bson.Slice(_position, (int)count);
        _position += (int)count;
        _valuePending = false;
        return bytes;
    }

    // The common case inline: the pending value is of this type and its fixed size fits before the document's end.
    // Anything else goes to a read's general path, which converts or reports exactly as before.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly bool IsPending(BsonType type, int size) => _valuePending && _type == type && _end - 1 - _position >= size;

    // After IsPending: the value's bytes are consumed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Consume(int size)
    {
        _position += size;
        _valuePending = false;
    }

    // The length of the name starting at `start`, up to the zero before `limit`; -1 when there is none. Names are short,
    // so the first eight bytes are looked at as one word before the vectorized search, which costs a call and a setup.
    private readonly int NameLength(int start, int limit)
    {
        var rest = _bson.Slice(start, limit - start);
        if (rest.Length >= sizeof(ulong))
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(rest);
            // The lowest byte set here is the first zero byte; bytes above it may be set falsely, and are not looked at.
            var zeros = (word - 0x0101010101010101UL) & ~word & 0x8080808080808080UL;
            if (zeros != 0)
                return BitOperations.TrailingZeroCount(zeros) >> 3;
        }
        return rest.IndexOf((byte)0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsKnownType(byte type) => type is >= 0x01 and <= 0x13 or 0x7F or 0xFF;
}

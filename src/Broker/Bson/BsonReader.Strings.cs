using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Broker.Bson;

// Strings: decoding UTF-8 strictly, handing out the raw UTF-8 slice, and parsing values written as strings (numbers,
// enum names). Kept apart because every read here is bounded by a BSON string's length and terminating zero.
public ref partial struct BsonReader
{
    /// <summary>Reads a UTF-8 string (a symbol is accepted too).</summary>
    /// <returns>The value.</returns>
    public string ReadString()
    {
        // The common case inline: a string whose length fits and which ends with its zero; everything else (a symbol,
        // a bad length, a missing zero) goes the checked way, which reports it.
        if (IsPending(BsonType.String, sizeof(int)))
        {
            var at = _position;
            var length = BinaryPrimitives.ReadInt32LittleEndian(_bson.Slice(at, sizeof(int)));
            if (length >= 1 && length <= _end - 1 - at - sizeof(int) && _bson[at + sizeof(int) + length - 1] == 0)
            {
                Consume(sizeof(int) + length);
                return Decode(_bson.Slice(at + sizeof(int), length - 1), at);
            }
        }
        return ReadStringChecked();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private string ReadStringChecked()
    {
        RequirePending();
        if (_type is not (BsonType.String or BsonType.Symbol))
            throw Mismatch("a String");
        var offset = _position;
        return Decode(TakeStringBytes(), offset);
    }

    // Most strings in messages are ASCII, which needs no decoding beyond widening each byte: checked in one vectorized
    // pass and copied straight into the new string. Anything else is decoded strictly, so invalid UTF-8 is an error
    // rather than a replacement character.
    private readonly string Decode(ReadOnlySpan<byte> utf8, int offset)
    {
        if (utf8.IsEmpty)
            return string.Empty;
        if (Ascii.IsValid(utf8))
            return string.Create(utf8.Length, utf8, static (chars, ascii) => Ascii.ToUtf16(ascii, chars, out _));
        return DecodeStrictly(utf8, offset);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly string DecodeStrictly(ReadOnlySpan<byte> utf8, int offset)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw new BsonFormatException(offset, $"element '{DescribeName()}': the string is not valid UTF-8.");
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
}

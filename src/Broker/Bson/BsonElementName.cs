namespace Broker.Bson;

/// <summary>
/// The name of an element being written: precomputed UTF-8 bytes (a member, <c>"Username"u8</c>), an array index (the
/// BSON names of array elements are "0", "1", ...), or a string known only at run time (a dictionary key). Converts
/// implicitly from all three, so generated code writes <c>writer.WriteInt32("Age"u8, value.Age)</c>,
/// <c>writer.WriteInt32(i, item)</c> and <c>writer.WriteInt32(key, entry)</c> with one method per element type.
/// </summary>
public readonly ref struct BsonElementName
{
    private readonly ReadOnlySpan<byte> _utf8;
    private readonly string? _text;
    private readonly int _index;
    private readonly Kind _kind;

    private BsonElementName(ReadOnlySpan<byte> utf8, string? text, int index, Kind kind)
    {
        _utf8 = utf8;
        _text = text;
        _index = index;
        _kind = kind;
    }

    private enum Kind : byte
    {
        Utf8,
        ValidatedUtf8,
        Index,
        Text,
    }

    /// <summary>A name given as UTF-8 bytes; it must not contain a zero byte.</summary>
    /// <param name="utf8">The bytes, usually a <c>u8</c> literal.</param>
    /// <returns>The name.</returns>
    public static BsonElementName FromUtf8(ReadOnlySpan<byte> utf8) => new(utf8, null, 0, Kind.Utf8);

    /// <summary>
    /// A name given as UTF-8 bytes that the caller has already checked contain no zero byte, so the writer does not scan
    /// them again. Generated codecs use it for member names, which the generator checks when it compiles them.
    /// </summary>
    /// <param name="utf8">The bytes, a <c>u8</c> literal without a zero byte; a zero byte would corrupt the document.</param>
    /// <returns>The name.</returns>
    public static BsonElementName FromValidatedUtf8(ReadOnlySpan<byte> utf8) => new(utf8, null, 0, Kind.ValidatedUtf8);

    /// <summary>The name of an array element: its index in decimal.</summary>
    /// <param name="index">The index, zero or more.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static BsonElementName FromIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new BsonElementName(default, null, index, Kind.Index);
    }

    /// <summary>A name known only at run time, such as a dictionary key; it must not contain <c>'\0'</c>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static BsonElementName FromString(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new BsonElementName(default, name, 0, Kind.Text);
    }

    /// <summary>See <see cref="FromUtf8"/>.</summary>
    /// <param name="utf8">The bytes.</param>
    public static implicit operator BsonElementName(ReadOnlySpan<byte> utf8) => FromUtf8(utf8);

    /// <summary>See <see cref="FromIndex"/>.</summary>
    /// <param name="index">The index.</param>
    public static implicit operator BsonElementName(int index) => FromIndex(index);

    /// <summary>See <see cref="FromString"/>.</summary>
    /// <param name="name">The name.</param>
    public static implicit operator BsonElementName(string name) => FromString(name);

    internal bool IsUtf8 => _kind is Kind.Utf8 or Kind.ValidatedUtf8;

    internal bool IsValidated => _kind == Kind.ValidatedUtf8;

    internal bool IsIndex => _kind == Kind.Index;

    internal ReadOnlySpan<byte> Utf8 => _utf8;

    internal int Index => _index;

    internal string Text => _text!;

    /// <inheritdoc />
    public override string ToString() => _kind switch
    {
        Kind.Utf8 or Kind.ValidatedUtf8 => System.Text.Encoding.UTF8.GetString(_utf8),
        Kind.Index => _index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => _text!,
    };
}

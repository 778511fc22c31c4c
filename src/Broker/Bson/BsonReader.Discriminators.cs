using System.Runtime.CompilerServices;
using System.Text;

namespace Broker.Bson;

// Discriminators: peeking at a document's _t without moving, for polymorphic codecs, and the errors they report.
// Kept apart because it is the only read that looks ahead of the cursor.
public ref partial struct BsonReader
{
    /// <summary>
    /// Finds the discriminator (<c>_t</c>) of the document that is the current element's value, or of the root document
    /// before <see cref="ReadStartDocument"/>, without moving. For a hierarchy written with a root class, <c>_t</c> is an
    /// array and its last entry names the actual type.
    /// </summary>
    /// <remarks>
    /// Only the last entry of an array is read, as MongoDB.Bson reads it. A <c>_t</c> that is present but names nothing (an
    /// empty string, an empty array) is an error, as it is for MongoDB.Bson, rather than read as a document without one.
    /// </remarks>
    /// <returns>The discriminator's UTF-8 bytes, or an empty span when the document has none.</returns>
    /// <exception cref="BsonFormatException">The document is malformed, or <c>_t</c> is not a string, or an array whose
    /// last entry is a string, or names nothing.</exception>
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
            var at = probe._elementStart;
            ReadOnlySpan<byte> discriminator;
            if (probe._type != BsonType.Array)
            {
                discriminator = probe.ReadUtf8String();
            }
            else
            {
                probe.ReadStartArray();
                var last = probe;
                var any = false;
                while (probe.ReadElement(out _))
                {
                    last = probe;
                    any = true;
                    probe.Skip();
                }
                if (!any)
                    throw EmptyDiscriminator(at, "an empty array");
                discriminator = last.ReadUtf8String();
            }
            if (discriminator.IsEmpty)
                throw EmptyDiscriminator(at, "an empty string");
            return discriminator;
        }
        return default;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BsonFormatException EmptyDiscriminator(int at, string what) =>
        new(at, $"the discriminator '_t' is {what}, which names no class.");

    /// <summary>The error for a document whose discriminator names no type the codec knows.</summary>
    /// <param name="discriminator">The discriminator, from <see cref="PeekDiscriminator"/>.</param>
    /// <param name="typeName">The type being read.</param>
    /// <returns>The exception, to throw.</returns>
    public readonly BsonFormatException UnknownDiscriminator(ReadOnlySpan<byte> discriminator, string typeName) =>
        UnknownDiscriminator(discriminator, typeName, null);

    // With the base type, the fix names its assembly: where [BsonKnownTypes] goes, and which assembly a subtype declared
    // elsewhere must be registered from (BsonKnownSubtypeAttribute) and loaded by.
    internal readonly BsonFormatException UnknownDiscriminator(ReadOnlySpan<byte> discriminator, string typeName, Type? type)
    {
        var name = Encoding.UTF8.GetString(discriminator);
        var where = type is null ? "" : $" (assembly {type.Assembly.GetName().Name})";
        return new(DocumentOffset,
            $"the discriminator '{name}' names no known type of {typeName}; list it in [BsonKnownTypes] on {typeName}{where} when the class " +
            $"{name} is declared there, or, when it is declared in another assembly, add [assembly: Broker.BsonKnownSubtype(typeof({typeName}), " +
            $"typeof({name}))] to that assembly and make sure the assembly is loaded before the document is read.");
    }

    /// <summary>The error for a document without a discriminator where an abstract type is read.</summary>
    /// <param name="typeName">The abstract type being read.</param>
    /// <returns>The exception, to throw.</returns>
    public readonly BsonFormatException MissingDiscriminator(string typeName) =>
        new(DocumentOffset, $"the document has no '_t' discriminator, which {typeName} needs because it is abstract.");

    // Where the document about to be read starts: the root, or the current element's value.
    private readonly int DocumentOffset => _depth == 0 ? 0 : _valuePending ? _position : _elementStart;
}

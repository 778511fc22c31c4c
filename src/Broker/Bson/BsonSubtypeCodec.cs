using System.ComponentModel;

namespace Broker.Bson;

/// <summary>
/// The part of a generated codec a base type's codec needs to write and read a subtype it was told about at run time
/// (<see cref="BsonKnownSubtypeAttribute"/>): the discriminator and the members, inside a document the base's codec
/// opened, and the whole document. Generated code derives from it; see <see cref="BsonSubtypes"/>.
/// </summary>
/// <typeparam name="T">The subtype.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class BsonSubtypeCodec<T>
{
    /// <summary>Writes <c>_t</c> and then the members of <paramref name="value"/> into the current document.</summary>
    /// <param name="writer">The writer, inside the document the base's codec started.</param>
    /// <param name="value">The value, exactly of type <typeparamref name="T"/>.</param>
    public abstract void WriteBody(ref BsonWriter writer, T value);

    /// <summary>Reads one whole document of <typeparamref name="T"/>.</summary>
    /// <param name="reader">The reader, at the start of the document.</param>
    /// <returns>The value.</returns>
    public abstract T Read(ref BsonReader reader);
}

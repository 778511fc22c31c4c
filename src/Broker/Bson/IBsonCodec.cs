namespace Broker.Bson;

/// <summary>
/// Encodes and decodes one type as a BSON document. The source generator emits one for every message type a channel
/// reaches; they write straight into a buffer and read straight from a span, with no reflection.
/// </summary>
/// <typeparam name="T">The type.</typeparam>
public interface IBsonCodec<T>
{
    /// <summary>Writes <paramref name="value"/> as one complete BSON document.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value; never null.</param>
    /// <exception cref="BsonNullMemberException">A member declared non-nullable holds null; the path says which.</exception>
    void Write(ref BsonWriter writer, T value);

    /// <summary>Reads one complete BSON document.</summary>
    /// <param name="reader">The reader, positioned at the start of the document.</param>
    /// <returns>The value.</returns>
    /// <exception cref="BsonFormatException">The bytes are not a valid document of this type.</exception>
    T Read(ref BsonReader reader);
}

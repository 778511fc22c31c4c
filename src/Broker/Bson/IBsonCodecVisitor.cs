namespace Broker.Bson;

/// <summary>
/// Receives every registered codec with its type (<see cref="BsonCodec.VisitRegistered"/>), so code that must handle
/// all of them, such as registering each with MongoDB.Bson, does so without reflection.
/// </summary>
public interface IBsonCodecVisitor
{
    /// <summary>Called once for each registered codec.</summary>
    /// <typeparam name="T">The type the codec encodes.</typeparam>
    /// <param name="codec">The codec.</param>
    void Visit<T>(IBsonCodec<T> codec);
}

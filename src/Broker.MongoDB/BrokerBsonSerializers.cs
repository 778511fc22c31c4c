using MongoDB.Bson.Serialization;

namespace Broker.Bson;

/// <summary>
/// Registers generated codecs with MongoDB.Bson's <see cref="BsonSerializer"/>, so an application that also stores its
/// message types with the MongoDB driver gets the generated codecs' speed and the same bytes.
/// </summary>
/// <example>
/// <code>
/// BrokerBsonSerializers.RegisterAll();              // every codec generated into the loaded assemblies
/// BrokerBsonSerializers.Register&lt;Order&gt;();          // or one type
/// </code>
/// </example>
public static class BrokerBsonSerializers
{
    /// <summary>Registers the generated codec of <typeparamref name="T"/> as its MongoDB.Bson serializer.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <exception cref="InvalidOperationException">No codec is registered for <typeparamref name="T"/>.</exception>
    /// <exception cref="MongoDB.Bson.BsonSerializationException">MongoDB.Bson already has a serializer for it.</exception>
    public static void Register<T>() => BsonSerializer.RegisterSerializer(new GeneratedBsonSerializer<T>());

    /// <summary>Registers the generated codec of <typeparamref name="T"/> unless MongoDB.Bson already has a serializer for it.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>True when it was registered.</returns>
    public static bool TryRegister<T>() => BsonSerializer.TryRegisterSerializer(new GeneratedBsonSerializer<T>());

    /// <summary>
    /// Registers every codec registered with <see cref="BsonCodec"/> so far (those of every loaded assembly that declares
    /// channels), skipping types MongoDB.Bson already has a serializer for.
    /// </summary>
    /// <returns>How many were registered.</returns>
    public static int RegisterAll()
    {
        var visitor = new Registrar();
        BsonCodec.VisitRegistered(visitor);
        return visitor.Count;
    }

    private sealed class Registrar : IBsonCodecVisitor
    {
        public int Count { get; private set; }

        public void Visit<T>(IBsonCodec<T> codec)
        {
            if (BsonSerializer.TryRegisterSerializer(new GeneratedBsonSerializer<T>(codec)))
                Count++;
        }
    }
}

using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoBsonType = MongoDB.Bson.BsonType;

namespace Broker.Bson;

/// <summary>
/// A MongoDB.Bson serializer that writes and reads <typeparamref name="T"/> with Broker's generated codec. The codec
/// writes the bytes MongoDB.Bson's class map would, so documents stored before and after registering it read the same.
/// </summary>
/// <remarks>
/// The document is encoded by the codec and handed to the driver's writer as raw BSON, and read back from the raw bytes
/// the driver's reader returns. Member lookups for queries (<see cref="IBsonDocumentSerializer"/>) and the id the driver
/// assigns on insert (<see cref="IBsonIdProvider"/>) come from MongoDB.Bson's own class map of the type, which names the
/// same elements. The document's <c>_id</c> is written where the class declares it; the server moves it to the front.
/// </remarks>
/// <typeparam name="T">The type.</typeparam>
public sealed class GeneratedBsonSerializer<T> : SerializerBase<T>, IBsonDocumentSerializer, IBsonIdProvider
{
    private readonly IBsonCodec<T> _codec;
    private readonly Lazy<BsonClassMapSerializer<T>> _classMap = new(() => new BsonClassMapSerializer<T>(BsonClassMap.LookupClassMap(typeof(T))));

    /// <summary>Creates the serializer over the codec registered for <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">No codec is registered for <typeparamref name="T"/>.</exception>
    public GeneratedBsonSerializer()
        : this(BsonCodec.For<T>())
    {
    }

    /// <summary>Creates the serializer over <paramref name="codec"/>.</summary>
    /// <param name="codec">The codec.</param>
    public GeneratedBsonSerializer(IBsonCodec<T> codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        _codec = codec;
    }

    /// <inheritdoc />
    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, T value)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (value is null)
        {
            context.Writer.WriteNull();
            return;
        }
        var buffer = RawDocumentBuffer.ForThisThread();
        var writer = new BsonWriter(buffer);
        _codec.Write(ref writer, value);
        writer.Flush();
        using var slice = new ByteArrayBuffer(buffer.Array, buffer.Length, isReadOnly: true);
        context.Writer.WriteRawBsonDocument(slice);
    }

    /// <inheritdoc />
    public override T Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reader = context.Reader;
        if (reader.GetCurrentBsonType() == MongoBsonType.Null)
        {
            reader.ReadNull();
            return default!;
        }
        using var slice = reader.ReadRawBsonDocument();
        var backing = slice.AccessBackingBytes(0);
        if (backing.Count >= slice.Length)
            return BsonCodec.Deserialize<T>(backing.AsSpan(0, slice.Length));
        // The document spans chunks of the reader's buffer: copy it out once.
        var bytes = new byte[slice.Length];
        slice.GetBytes(0, bytes, 0, bytes.Length);
        return BsonCodec.Deserialize<T>(bytes);
    }

    /// <inheritdoc />
    public bool TryGetMemberSerializationInfo(string memberName, out BsonSerializationInfo serializationInfo) =>
        _classMap.Value.TryGetMemberSerializationInfo(memberName, out serializationInfo);

    /// <inheritdoc />
    public bool GetDocumentId(object document, out object id, out Type idNominalType, out IIdGenerator idGenerator) =>
        _classMap.Value.GetDocumentId(document, out id, out idNominalType, out idGenerator);

    /// <inheritdoc />
    public void SetDocumentId(object document, object id) => _classMap.Value.SetDocumentId(document, id);
}

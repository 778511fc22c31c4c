using Broker.Bson;
using Broker.Generators.Tests.Behaviour.Stored;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// Generated codecs registered as MongoDB.Bson serializers: <see cref="BsonSerializer"/> then writes and reads the types
/// through them, with the bytes its own class map writes, at the root, nested, and polymorphically.
/// </summary>
public sealed class MongoSerializerAdapterTests
{
    static MongoSerializerAdapterTests()
    {
        MongoBson.Configure();
        // MongoDB.Bson caches a serializer once it looks one up, so each type is registered before anything serializes
        // it; the order's class-map bytes are taken in between (the zoo tests compare payments with the class map).
        BrokerBsonSerializers.Register<StoredPayment>();
        ClassMapBytes = ClassMapSerialize(Sample());
        BrokerBsonSerializers.Register<StoredOrder>();
        Assert.False(BrokerBsonSerializers.TryRegister<StoredOrder>());
    }

    private static readonly byte[] ClassMapBytes;

    [Fact]
    public void BsonSerializerUsesTheGeneratedCodec()
    {
        Assert.IsType<GeneratedBsonSerializer<StoredOrder>>(BsonSerializer.LookupSerializer<StoredOrder>());
        Assert.IsType<GeneratedBsonSerializer<StoredPayment>>(BsonSerializer.LookupSerializer<StoredPayment>());
    }

    [Fact]
    public void RoundTripThroughBsonSerializerKeepsTheClassMapsBytes()
    {
        var order = Sample();

        var bytes = order.ToBson();
        var read = BsonSerializer.Deserialize<StoredOrder>(bytes);

        Assert.Equal(MongoBson.Hex(ClassMapBytes), MongoBson.Hex(bytes));
        Assert.Equal(MongoBson.Hex(BsonCodec.ToBson(order)), MongoBson.Hex(bytes));
        Assert.Equal(MongoBson.Hex(bytes), MongoBson.Hex(read.ToBson()));
        Assert.Equal("4242", Assert.IsType<StoredCard>(read.Payment).Last4);
    }

    [Fact]
    public void NestedInADocumentTheCodecIsUsedBothWays()
    {
        var order = Sample();

        var document = new BsonDocument { { "v", 1 }, { "order", order.ToBsonDocument() } };
        var read = BsonSerializer.Deserialize<StoredOrder>(document["order"].AsBsonDocument);

        Assert.Equal("_id", document["order"].AsBsonDocument.GetElement(0).Name);
        Assert.Equal(MongoBson.Hex(order.ToBson()), MongoBson.Hex(read.ToBson()));
    }

    [Fact]
    public void AbstractTypesAreWrittenAndReadWithTheirDiscriminator()
    {
        StoredPayment payment = new StoredTransfer { Amount = 5m, Iban = "DE00" };

        var bytes = payment.ToBson();
        var read = BsonSerializer.Deserialize<StoredPayment>(bytes);

        Assert.Equal("DE00", Assert.IsType<StoredTransfer>(read).Iban);
        Assert.Equal(MongoBson.Hex(BsonCodec.ToBson(payment)), MongoBson.Hex(bytes));
        Assert.Equal("StoredTransfer", BsonSerializer.Deserialize<BsonDocument>(bytes)["_t"].AsString);
    }

    [Fact]
    public void MemberLookupsAndIdsComeFromTheClassMap()
    {
        var serializer = BsonSerializer.LookupSerializer<StoredOrder>();

        Assert.True(((IBsonDocumentSerializer)serializer).TryGetMemberSerializationInfo(nameof(StoredOrder.Customer), out var info));
        Assert.Equal("customer", info.ElementName);
        var order = new StoredOrder();
        var idProvider = (IBsonIdProvider)serializer;
        Assert.True(idProvider.GetDocumentId(order, out var id, out _, out var generator));
        idProvider.SetDocumentId(order, generator.GenerateId(null, order));
        Assert.NotEqual(ObjectId.Empty, order.Id);
        Assert.Equal(ObjectId.Empty, id);
    }

    [Fact]
    public void NullIsWrittenAndReadAsNull()
    {
        var envelope = new BsonDocument("payment", BsonNull.Value).ToBson();

        using var reader = new BsonBinaryReader(new MemoryStream(envelope));
        reader.ReadStartDocument();
        reader.ReadName();
        var payment = BsonSerializer.LookupSerializer<StoredPayment>().Deserialize(BsonDeserializationContext.CreateRoot(reader));

        Assert.Null(payment);
    }

    private static StoredOrder Sample() => new()
    {
        Id = ObjectId.Parse("5f1d7f3a9c1e4b2a3c4d5e6f"),
        Customer = "Contoso",
        Total = 12.50m,
        Lines = [new StoredLine("A-1", 2), new StoredLine("B-2", 1)],
        Payment = new StoredCard { Amount = 12.50m, Last4 = "4242" },
    };

    private static byte[] ClassMapSerialize(StoredOrder order)
    {
        var serializer = new BsonClassMapSerializer<StoredOrder>(BsonClassMap.LookupClassMap(typeof(StoredOrder)));
        using var stream = new MemoryStream();
        using (var writer = new BsonBinaryWriter(stream))
            serializer.Serialize(BsonSerializationContext.CreateRoot(writer), order);
        return stream.ToArray();
    }
}

using Broker.Bson;
using Broker.Generators.Tests.Behaviour.Zoo;
using MongoDB.Bson;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// Over random values of every zoo type (fixed seeds), the codecs write MongoDB.Bson's bytes, read MongoDB.Bson's bytes
/// back to values that write the same bytes again, and MongoDB.Bson reads what the codecs write.
/// </summary>
public sealed class ZooCompatibilityTests
{
    private const int Values = 300;

    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomZooValuesMatchMongoDbBothWays(int seed)
    {
        var values = new ZooValues(seed);
        for (var i = 0; i < Values; i++)
        {
            var animal = values.Animal();
            AssertSameBytes(animal, i);
            AssertReadsMongoDbBytes(animal, i);
            if (animal.GetOnly is null)
                AssertMongoDbReadsOurBytes(animal, i);
        }
    }

    [Fact]
    public void EachZooShapeMatchesMongoDbOnItsOwn()
    {
        var values = new ZooValues(11);
        for (var i = 0; i < 100; i++)
        {
            AssertSameBytes(values.Times(), i);
            AssertSameBytes(values.Collections(), i);
            AssertSameBytes(values.Attributed(), i);
            AssertSameBytes(values.GetOnly(), i);
            AssertSameBytes(values.Polymorphic(), i);
            AssertSameBytes(values.Order(), i);
            AssertReadsMongoDbBytes(values.Attributed(), i);
            AssertMongoDbReadsOurBytes(values.Polymorphic(), i);
        }
    }

    [Fact]
    public void ADerivedMessageIsWrittenWithItsDiscriminatorAtTheRoot()
    {
        Shape circle = new Circle { Label = "c", Radius = 2 };

        var bson = BsonCodec.ToBson(circle);

        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(circle)), MongoBson.Hex(bson));
        Assert.IsType<Circle>(BsonCodec.Deserialize<Shape>(bson));
        Assert.IsType<Square>(BsonCodec.Deserialize<Shape>(BsonCodec.ToBson<Shape>(new Square())));
    }

    [Fact]
    public void RootClassHierarchiesWriteTheWholeChain()
    {
        Vehicle car = new SportsCar { Wheels = 4, Make = "m", TopSpeed = 300 };

        var bson = BsonCodec.ToBson(new Polymorphic { Vehicle = car, PlainVehicle = new Vehicle() });

        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(new Polymorphic { Vehicle = car, PlainVehicle = new Vehicle() })), MongoBson.Hex(bson));
        var read = BsonCodec.Deserialize<Polymorphic>(bson);
        Assert.Equal(300, Assert.IsType<SportsCar>(read.Vehicle).TopSpeed);
        Assert.IsType<Vehicle>(read.PlainVehicle);
    }

    [Fact]
    public void AnUnknownDiscriminatorIsAnErrorNamingIt()
    {
        var document = new BsonDocument { { "One", new BsonDocument { { "_t", "Hexagon" }, { "Label", "h" } } } };

        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<Polymorphic>(document.ToBson()));

        Assert.Contains("'Hexagon'", error.Reason, StringComparison.Ordinal);
        Assert.Contains("Zoo.Shape", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAbstractMemberWithoutDiscriminatorIsAnError()
    {
        var document = new BsonDocument { { "One", new BsonDocument("Label", "h") } };

        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<Polymorphic>(document.ToBson()));

        Assert.Contains("'_t'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ASubclassThatIsNotAKnownTypeIsRefusedWhenWritten()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BsonCodec.ToBson(new Polymorphic { Tagged = null, Car = new UnlistedCar() }));

        Assert.Contains(nameof(UnlistedCar), error.Message, StringComparison.Ordinal);
        Assert.Contains("[BsonKnownTypes]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsignedValuesBeyondMongoDbsRangeTravelAsWiderTypesItReads()
    {
        var times = new Times { Unsigned = uint.MaxValue, Huge = ulong.MaxValue };

        var bson = BsonCodec.ToBson(times);
        var document = MongoBson.Deserialize<BsonDocument>(bson);

        Assert.Equal(MongoDB.Bson.BsonType.Int64, document["Unsigned"].BsonType);
        Assert.Equal(MongoDB.Bson.BsonType.Decimal128, document["Huge"].BsonType);
        Assert.Equal((uint.MaxValue, ulong.MaxValue), (MongoBson.Deserialize<Times>(bson).Unsigned, MongoBson.Deserialize<Times>(bson).Huge!.Value));
        var read = BsonCodec.Deserialize<Times>(bson);
        Assert.Equal((uint.MaxValue, ulong.MaxValue), (read.Unsigned, read.Huge!.Value));
    }

    [Fact]
    public void GetOnlyCollectionsAreFilledInPlace()
    {
        var value = new GetOnlyCollections { X = 1 };
        value.Tags.Add("a");
        value.Counts["k"] = 2;

        var read = BsonCodec.Deserialize<GetOnlyCollections>(BsonCodec.ToBson(value));

        Assert.Equal(["a"], read.Tags);
        Assert.Equal(2, read.Counts["k"]);
    }

    [Fact]
    public void MissingElementsTakeBsonDefaultValue()
    {
        var read = BsonCodec.Deserialize<Attributed>(new BsonDocument("Must", "m").ToBson());

        Assert.Equal("fallback", read.WithDefault);
        Assert.Equal(7, read.Seven);
    }

    [Fact]
    public void MissingBsonRequiredElementIsAnErrorNamingIt()
    {
        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<Attributed>(new BsonDocument("n", "x").ToBson()));

        Assert.Contains("'Must'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void BsonConstructorIsCalled()
    {
        var read = BsonCodec.Deserialize<Constructed>(BsonCodec.ToBson(new Constructed(5, "five") { SetLater = true }));

        Assert.Equal((5, "five", true), (read.A, read.B, read.SetLater));
    }

    private static void AssertSameBytes<T>(T value, int index)
    {
        var expected = MongoBson.Hex(MongoBson.ToBson(value));
        var actual = MongoBson.Hex(BsonCodec.ToBson(value));
        Assert.True(expected == actual, $"value #{index} of {typeof(T).Name}:\nMongoDB.Bson: {expected}\nBroker:       {actual}");
    }

    private static void AssertReadsMongoDbBytes<T>(T value, int index)
    {
        var written = MongoBson.ToBson(value);
        var again = BsonCodec.ToBson(BsonCodec.Deserialize<T>(written));
        Assert.True(written.AsSpan().SequenceEqual(again), $"value #{index} of {typeof(T).Name} changed on the way through the codec:\n{MongoBson.Hex(written)}\n{MongoBson.Hex(again)}");
    }

    private static void AssertMongoDbReadsOurBytes<T>(T value, int index)
    {
        var ours = BsonCodec.ToBson(value);
        var again = MongoBson.ToBson(MongoBson.Deserialize<T>(ours));
        Assert.True(ours.AsSpan().SequenceEqual(again), $"value #{index} of {typeof(T).Name} changed on the way through MongoDB.Bson:\n{MongoBson.Hex(ours)}\n{MongoBson.Hex(again)}");
    }

    // Left out of Car's [BsonKnownTypes] on purpose: BRK0018 warns about it at compile time, the codec refuses it here.
#pragma warning disable BRK0018
    private sealed class UnlistedCar : Car;
#pragma warning restore BRK0018
}

using Broker.Bson;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// The generated codecs write exactly the bytes MongoDB.Bson's <c>ToBson()</c> writes for the same value, and read what
/// it writes.
/// </summary>
public sealed class MongoCompatibilityTests
{
    [Fact]
    public void PositionalRecordMatchesMongoDb() => AssertSameBytes(Samples.User());

    [Fact]
    public void RichClassMatchesMongoDb() => AssertSameBytes(Samples.Order());

    [Fact]
    public void EveryScalarMatchesMongoDb() => AssertSameBytes(Samples.Scalars());

    [Fact]
    public void EmptyNullablesMatchMongoDb() => AssertSameBytes(new Scalars());

    [Fact]
    public void EveryCollectionMatchesMongoDb() => AssertSameBytes(Samples.Collections());

    [Fact]
    public void EveryShapeTogetherMatchesMongoDb() => AssertSameBytes(Samples.Everything());

    [Fact]
    public void NullsEverywhereMatchMongoDb() => AssertSameBytes(Samples.EmptyEverything());

    [Fact]
    public void StructsMatchMongoDb()
    {
        AssertSameBytes(new Point { X = 1, Y = -1 });
        AssertSameBytes(new ImmutablePoint(3, 4));
        AssertSameBytes(new Range(1, 2));
        AssertSameBytes(new MutableRange(3, 4));
    }

    [Fact]
    public void IdIsWrittenInDeclarationOrderAsUnderscoreId()
    {
        AssertSameBytes(new LowerId { Name = "n", id = 9 });
        AssertSameBytes(new UnderscoreId { _id = "x", Value = 1 });
        AssertSameBytes(new Immutable(1, "one"));

        var bson = BsonCodec.ToBson(new LowerId { Name = "n", id = 9 });
        Assert.True(bson.AsSpan().IndexOf("Name\0"u8) < bson.AsSpan().IndexOf("_id\0"u8), "Name comes before _id, as declared");
    }

    [Fact]
    public void BaseClassMembersComeFirstAndOverridesAreWrittenOnce() => AssertSameBytes(new Dog { Id = 1, Name = "Rex", GoodBoy = true, Legs = 3 });

    [Fact]
    public void AKnownDerivedClassInABaseClassMemberTravelsWithItsDiscriminator()
    {
        var everything = Samples.Everything();
        everything.Animal = new Dog { Id = 5, Name = "Rex", GoodBoy = true, Legs = 3 };

        AssertSameBytes(everything);
        Assert.IsType<Dog>(BsonCodec.Deserialize<Everything>(BsonCodec.ToBson(everything)).Animal);
    }

    [Fact]
    public void FieldsComeBeforeProperties() => AssertSameBytes(new WithFields { P1 = 1, F1 = 2, F2 = null, P2 = 3 });

    [Fact]
    public void DateTimesOfEveryKindMatchMongoDb()
    {
        foreach (var when in new[]
                 {
                     DateTime.MinValue,
                     DateTime.MaxValue,
                     new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Local),
                     new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified),
                     new DateTime(1960, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(5),
                 })
        {
            AssertSameBytes(new Scalars { When = when, MaybeWhen = when });
        }
    }

    [Fact]
    public void ReadsWhatMongoDbWrites()
    {
        AssertReadsMongoDbBytes(Samples.User());
        AssertReadsMongoDbBytes(Samples.Order());
        AssertReadsMongoDbBytes(Samples.Scalars());
        AssertReadsMongoDbBytes(Samples.Collections());
        AssertReadsMongoDbBytes(Samples.Everything());
        AssertReadsMongoDbBytes(Samples.EmptyEverything());
    }

    [Fact]
    public void MongoDbReadsWhatTheCodecsWrite()
    {
        var user = MongoBson.Deserialize<User>(BsonCodec.ToBson(Samples.User()));
        Assert.Equal(Samples.User(), user);

        var order = MongoBson.Deserialize<OrderEvent>(BsonCodec.ToBson(Samples.Order()));
        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(Samples.Order())), MongoBson.Hex(MongoBson.ToBson(order)));

        var everything = MongoBson.Deserialize<Everything>(BsonCodec.ToBson(Samples.Everything()));
        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(Samples.Everything())), MongoBson.Hex(MongoBson.ToBson(everything)));
    }

    private static void AssertSameBytes<T>(T value)
    {
        var expected = MongoBson.ToBson(value);
        var actual = BsonCodec.ToBson(value);
        Assert.Equal(MongoBson.Hex(expected), MongoBson.Hex(actual));
    }

    // What MongoDB.Bson wrote, read by the codec and written again, is the same bytes: nothing was lost on the way.
    private static void AssertReadsMongoDbBytes<T>(T value)
    {
        var written = MongoBson.ToBson(value);
        var read = BsonCodec.Deserialize<T>(written);
        Assert.Equal(MongoBson.Hex(written), MongoBson.Hex(BsonCodec.ToBson(read)));
    }
}

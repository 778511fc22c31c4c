using Broker.Bson;
using MongoDB.Bson;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>How the generated codecs read documents that differ from what they write: newer, older, or wrong.</summary>
public sealed class CodecReadingTests
{
    [Fact]
    public void UnknownElementsOfEveryKindAreSkipped()
    {
        var newer = new BsonDocument
        {
            { "AddedFirst", new BsonDocument { { "deep", new BsonArray { 1, new BsonDocument("x", "y") } } } },
            { "_id", 42 },
            { "AddedArray", new BsonArray { "a", BsonNull.Value, 1.5 } },
            { "Username", "alice_smith" },
            { "AddedBinary", new BsonBinaryData([1, 2, 3]) },
            { "AddedRegex", new BsonRegularExpression("a+") },
            { "AddedLast", 1L << 40 },
        };

        var user = BsonCodec.Deserialize<User>(newer.ToBson());

        Assert.Equal(new User(42, "alice_smith"), user);
    }

    [Fact]
    public void ElementsInAnyOrderAreRead()
    {
        var reordered = new BsonDocument { { "Username", "bob" }, { "_id", 7 } };

        Assert.Equal(new User(7, "bob"), BsonCodec.Deserialize<User>(reordered.ToBson()));
    }

    [Fact]
    public void MissingPositionalParameterIsAnErrorNamingIt()
    {
        var older = new BsonDocument("_id", 42);

        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<User>(older.ToBson()));

        Assert.Contains("'Username'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Broker.Generators.Tests.Behaviour.User", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void MissingRequiredMemberIsAnErrorNamingIt()
    {
        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<InitOnly>(new BsonDocument("A", 1).ToBson()));

        Assert.Contains("'C'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingParametersWithDefaultsTakeTheirDefaults()
    {
        var value = BsonCodec.Deserialize<WithDefaults>(new BsonDocument("A", 1).ToBson());

        Assert.Equal(new WithDefaults(1), value);
        Assert.Equal("dflt", value.B);
        Assert.Equal(Priority.High, value.P);
        Assert.Equal(1.5, value.D);
        Assert.Null(value.Note);
    }

    [Fact]
    public void MissingNullableParameterIsNull()
    {
        var value = BsonCodec.Deserialize<Mixed>(new BsonDocument("P", 3).ToBson());

        Assert.Equal(new Mixed(3), value);
    }

    [Fact]
    public void MissingSettableMembersKeepTheirInitialValues()
    {
        var address = BsonCodec.Deserialize<Address>(new BsonDocument("Zip", 5).ToBson());

        Assert.Equal("", address.Street);
        Assert.Equal(5, address.Zip);
        Assert.Equal(4, BsonCodec.Deserialize<Dog>(new BsonDocument("Name", "Rex").ToBson()).Legs);
    }

    [Fact]
    public void NullForANonNullableValueTypeIsAnErrorNamingTheElement()
    {
        var document = new BsonDocument { { "_id", BsonNull.Value }, { "Username", "x" } };

        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<User>(document.ToBson()));

        Assert.Equal("element '_id' is null; expected an Int32.", error.Reason);
    }

    [Fact]
    public void WrongTypeIsAnErrorNamingTheElement()
    {
        var document = new BsonDocument { { "Zip", "not a number" } };

        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<Address>(document.ToBson()));

        Assert.Equal("element 'Zip' is a String; expected an Int32.", error.Reason);
    }

    [Fact]
    public void NarrowedValuesThatStillFitAreRead()
    {
        // A producer that has widened Zip to long, or stores a whole double, is still understood by an older reader.
        Assert.Equal(5, BsonCodec.Deserialize<Address>(new BsonDocument("Zip", 5L).ToBson()).Zip);
        Assert.Equal(6, BsonCodec.Deserialize<Address>(new BsonDocument("Zip", 6.0).ToBson()).Zip);
        Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<Address>(new BsonDocument("Zip", 1L << 40).ToBson()));
    }

    [Fact]
    public void EnumValuesOutsideTheDeclaredOnesAreKept()
    {
        var scalars = BsonCodec.Deserialize<Scalars>(new BsonDocument("Priority", 77).ToBson());

        Assert.Equal((Priority)77, scalars.Priority);
    }

    [Fact]
    public void ByteBackedEnumOutOfRangeIsAnError()
    {
        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<Scalars>(new BsonDocument("Tiny", 300).ToBson()));

        Assert.Contains("'Tiny'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateDictionaryKeyIsAnErrorNamingIt()
    {
        var counts = new BsonDocument(allowDuplicateNames: true) { { "a", 1 }, { "a", 2 } };
        var document = new BsonDocument("Counts", counts);

        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<Collections>(document.ToBson()));

        Assert.Equal("element 'a': the key appears more than once.", error.Reason);
    }

    [Fact]
    public void CyclesOfClassesEndAtNull()
    {
        var chain = new Node { Name = "1", Next = new Node { Name = "2", Next = new Node { Name = "3" } } };

        var read = BsonCodec.Deserialize<Node>(BsonCodec.ToBson(chain));

        Assert.Equal("3", read.Next!.Next!.Name);
        Assert.Null(read.Next.Next.Next);
    }

    [Fact]
    public void AReferenceCycleInAValueIsRefusedNotOverflowed()
    {
        var node = new Node { Name = "loop" };
        node.Next = node;

        var error = Assert.Throws<InvalidOperationException>(() => BsonCodec.ToBson(node));

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedMessagesThrowBsonFormatException()
    {
        var bson = BsonCodec.ToBson(Samples.Everything());

        for (var length = 0; length < bson.Length; length += 7)
        {
            var truncated = bson[..length];
            Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<Everything>(truncated));
        }
    }

    [Fact]
    public void CorruptMessagesThrowOnlyBsonFormatException()
    {
        var original = BsonCodec.ToBson(Samples.Everything());
        var random = new Random(7);

        for (var round = 0; round < 3000; round++)
        {
            var corrupt = (byte[])original.Clone();
            corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            try
            {
                BsonCodec.Deserialize<Everything>(corrupt);
            }
            catch (BsonFormatException)
            {
            }
        }
    }
}

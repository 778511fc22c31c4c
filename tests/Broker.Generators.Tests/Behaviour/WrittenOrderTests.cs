using Broker.Bson;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// The generated codecs read a document in the order they write it by comparing each expected name in place, and hand
/// the rest of any other document to the name switch. Whatever the order, every element must be read under its exact
/// name: these documents are the codecs' own with elements moved, renamed, repeated, added or left out.
/// </summary>
public sealed class WrittenOrderTests
{
    [Fact]
    public void SimilarNamesMatchMongoDbAndReadBack()
    {
        var value = Similar();
        var bson = BsonCodec.ToBson(value);

        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(value)), MongoBson.Hex(bson));
        Assert.Equal(MongoBson.Hex(bson), MongoBson.Hex(BsonCodec.ToBson(BsonCodec.Deserialize<SimilarNames>(bson))));
    }

    [Fact]
    public void EveryShuffleOfTheElementsReadsTheSameValue()
    {
        var random = new Random(17);
        AssertShufflesReadBack(BsonCodec.ToBson(Samples.Order()), bson => BsonCodec.ToBson(BsonCodec.Deserialize<OrderEvent>(bson)), random);
        AssertShufflesReadBack(BsonCodec.ToBson(Similar()), bson => BsonCodec.ToBson(BsonCodec.Deserialize<SimilarNames>(bson)), random);
        AssertShufflesReadBack(BsonCodec.ToBson(Samples.User()), bson => BsonCodec.ToBson(BsonCodec.Deserialize<User>(bson)), random);
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("ab", "ac")]
    [InlineData("ab", "a")]
    [InlineData("abcdefgh", "abcdefgX")]
    [InlineData("abcdefgh", "abcdefg")]
    [InlineData("abcdefghi", "abcdefghX")]
    [InlineData("abcdefghijklmnop", "abcdefghijklmnoX")]
    [InlineData("abcdefghijklmnopq", "abcdefghijklmnopX")]
    [InlineData("abcdefghijklmnopq", "abcdefghijklmnopqr")]
    [InlineData("prénom", "prénon")]
    [InlineData("名前", "名刺")]
    public void ANameThatOnlyResemblesAMembersIsNotTakenForIt(string name, string renamed)
    {
        var document = Document(Similar());
        var index = document.IndexOfName(name);
        var value = document[index];
        document.RemoveAt(index);
        document.InsertAt(index, new BsonElement(renamed, value));

        var read = BsonCodec.Deserialize<SimilarNames>(document.ToBson());

        // The member keeps its initial value, unless the new name is another member's, which then appears twice and
        // is read twice; every element after it is still read.
        var expected = Similar();
        Reset(expected, name);
        if (renamed == "a")
            expected.A = value.AsInt32;
        Assert.Equal(MongoBson.Hex(BsonCodec.ToBson(expected)), MongoBson.Hex(BsonCodec.ToBson(read)));
    }

    [Fact]
    public void ARepeatedElementIsReadEachTimeSoTheLastOneCounts()
    {
        var document = Document(Similar());
        document.InsertAt(document.IndexOfName("ab") + 1, new BsonElement("ab", 22));
        document.Add("abcdefghijklmnop", 1616);
        document.Add("prénom", "Zoé");

        var read = BsonCodec.Deserialize<SimilarNames>(document.ToBson());

        Assert.Equal(22, read.Ab);
        Assert.Equal(1616, read.Sixteen);
        Assert.Equal("Zoé", read.FirstName);
        Assert.Equal(Similar().Seventeen, read.Seventeen);
        Assert.Equal(Similar().Tags, read.Tags);
    }

    [Fact]
    public void MembersLeftOutOrUnknownElementsBetweenThemLeaveTheRestRead()
    {
        var value = Similar();
        value.Note = null;
        var withoutNote = Document(value);
        Assert.False(withoutNote.Contains("Note"));
        Assert.Equal(withoutNote.ToBson(), BsonCodec.ToBson(BsonCodec.Deserialize<SimilarNames>(withoutNote.ToBson())));

        var missing = Document(Similar());
        missing.Remove("abcdefgh");
        missing.InsertAt(missing.IndexOfName("prénom"), new BsonElement("unknown", new BsonDocument("x", new BsonArray { 1, "two" })));
        var read = BsonCodec.Deserialize<SimilarNames>(missing.ToBson());

        Assert.Equal(0, read.Eight);
        Assert.Equal(Similar().Nine, read.Nine);
        Assert.Equal("Zoë", read.FirstName);
        Assert.Equal("名前テスト", read.Name);
        Assert.Equal("note", read.Note);
        Assert.Equal(Similar().Tags, read.Tags);
    }

    [Fact]
    public void TruncatedOrCorruptSimilarNamesFailOnlyWithBsonFormatException()
    {
        var bson = BsonCodec.ToBson(Similar());
        for (var length = 0; length < bson.Length; length++)
        {
            var truncated = bson.AsSpan(0, length).ToArray();
            Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<SimilarNames>(truncated));
        }

        var random = new Random(5);
        for (var round = 0; round < 2000; round++)
        {
            var corrupt = (byte[])bson.Clone();
            corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            try
            {
                BsonCodec.Deserialize<SimilarNames>(corrupt);
            }
            catch (BsonFormatException)
            {
            }
        }
    }

    private static SimilarNames Similar() => new()
    {
        A = 1,
        Ab = 2,
        Eight = 8,
        Nine = 9,
        Sixteen = 16,
        Seventeen = 17,
        FirstName = "Zoë",
        Name = "名前テスト",
        Note = "note",
        Tags = ["x", "yy", "a tag longer than sixteen bytes"],
    };

    // Duplicate names allowed, to write documents with a repeated element.
    private static BsonDocument Document<T>(T value) =>
        new BsonDocument(allowDuplicateNames: true).AddRange(BsonSerializer.Deserialize<BsonDocument>(BsonCodec.ToBson(value)));

    private static void Reset(SimilarNames value, string name)
    {
        var initial = new SimilarNames();
        switch (name)
        {
            case "a": value.A = initial.A; break;
            case "ab": value.Ab = initial.Ab; break;
            case "abcdefgh": value.Eight = initial.Eight; break;
            case "abcdefghi": value.Nine = initial.Nine; break;
            case "abcdefghijklmnop": value.Sixteen = initial.Sixteen; break;
            case "abcdefghijklmnopq": value.Seventeen = initial.Seventeen; break;
            case "prénom": value.FirstName = initial.FirstName; break;
            case "名前": value.Name = initial.Name; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "not a member of SimilarNames");
        }
    }

    private static void AssertShufflesReadBack(byte[] bson, Func<byte[], byte[]> readAndWrite, Random random)
    {
        var document = BsonSerializer.Deserialize<BsonDocument>(bson);
        for (var round = 0; round < 50; round++)
        {
            var shuffled = new BsonDocument(document.OrderBy(_ => random.Next()));
            Assert.Equal(MongoBson.Hex(bson), MongoBson.Hex(readAndWrite(shuffled.ToBson())));
        }
    }
}

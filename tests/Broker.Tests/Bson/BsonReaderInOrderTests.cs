using Broker.Bson;
using MongoDB.Bson;
using BsonDateTime = MongoDB.Bson.BsonDateTime;
using BsonType = Broker.Bson.BsonType;

namespace Broker.Tests.Bson;

/// <summary>
/// The reads generated codecs take when a document comes in the order they write it: <see cref="BsonReader.ReadElementIfNamed"/>,
/// <see cref="BsonReader.ReadElement()"/> for array items, and the arithmetic in <see cref="BsonReader.CountElements"/>
/// and <see cref="BsonReader.Skip"/>. Each must take exactly what <see cref="BsonReader.ReadElement(out ReadOnlySpan{byte})"/>
/// would, and leave everything else to it, errors included.
/// </summary>
public sealed class BsonReaderInOrderTests
{
    [Fact]
    public void ANamedElementIsReadWhenItsNameIsExactlyTheOneExpected()
    {
        var bson = new BsonDocument { { "Amount", 1.5 }, { "CorrelationIdentifier", "x" } }.ToBson();
        var reader = new BsonReader(bson);
        var root = reader.ReadStartDocument();

        Assert.True(reader.ReadElementIfNamed("Amount"u8));
        Assert.Equal("Amount"u8.ToArray(), reader.CurrentName.ToArray());
        Assert.Equal(BsonType.Double, reader.CurrentType);
        Assert.Equal(1.5, reader.ReadDouble());
        Assert.True(reader.ReadElementIfNamed("CorrelationIdentifier"u8));
        Assert.Equal("x", reader.ReadString());
        Assert.False(reader.ReadElementIfNamed("Amount"u8));
        Assert.False(reader.ReadElement(out _));
        reader.ReadEndDocument(root);
    }

    [Theory]
    [InlineData("Amoun")]
    [InlineData("AmountX")]
    [InlineData("amount")]
    [InlineData("Amounu")]
    [InlineData("")]
    public void ANameThatIsAPrefixLongerOrDifferentIsNotTakenAndNothingMoves(string expected)
    {
        var bson = new BsonDocument { { "Amount", 1.5 } }.ToBson();
        var reader = new BsonReader(bson);
        reader.ReadStartDocument();
        var position = reader.Position;

        Assert.False(reader.ReadElementIfNamed(System.Text.Encoding.UTF8.GetBytes(expected)));

        Assert.Equal(position, reader.Position);
        Assert.True(reader.ReadElement(out var name));
        Assert.Equal("Amount"u8.ToArray(), name.ToArray());
        Assert.Equal(1.5, reader.ReadDouble());
    }

    [Theory]
    [InlineData("abcdefgh", "abcdefgX")]
    [InlineData("abcdefghi", "abcdefghX")]
    [InlineData("abcdefghijklmnop", "abcdefghijklmnoX")]
    [InlineData("abcdefghijklmnopq", "abcdefghijklmnopX")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnopqrstuvwxyz012345678X")]
    [InlineData("prénom", "prénon")]
    [InlineData("名前", "名刺")]
    public void LongAndNonAsciiNamesAreComparedToTheirLastByte(string stored, string sameLengthOther)
    {
        var bson = new BsonDocument { { stored, 7 } }.ToBson();
        var reader = new BsonReader(bson);
        reader.ReadStartDocument();

        Assert.False(reader.ReadElementIfNamed(System.Text.Encoding.UTF8.GetBytes(sameLengthOther)));
        Assert.True(reader.ReadElementIfNamed(System.Text.Encoding.UTF8.GetBytes(stored)));
        Assert.Equal(stored, reader.GetCurrentName());
        Assert.Equal(7, reader.ReadInt32());
    }

    [Fact]
    public void NothingIsTakenWithAValuePendingOrAtTheEnd()
    {
        var bson = new BsonDocument { { "a", 1 } }.ToBson();
        var reader = new BsonReader(bson);
        reader.ReadStartDocument();
        Assert.True(reader.ReadElementIfNamed("a"u8));
        var position = reader.Position;

        Assert.False(reader.ReadElementIfNamed("a"u8));
        Assert.Equal(position, reader.Position);
        Assert.Equal(1, reader.ReadInt32());
        Assert.False(reader.ReadElementIfNamed("a"u8));
        Assert.False(reader.ReadElement(out _));
    }

    [Fact]
    public void AfterAPendingValueReadElementStillSaysItWasNotRead()
    {
        var bson = new BsonDocument { { "a", 1 }, { "b", 2 } }.ToBson();

        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            var reader = new BsonReader(bson);
            reader.ReadStartDocument();
            reader.ReadElementIfNamed("a"u8);
            reader.ReadElementIfNamed("b"u8);
            reader.ReadElement(out _);
        });

        Assert.Equal("The value of element 'a' was neither read nor skipped.", error.Message);
    }

    [Fact]
    public void AnUnknownTypeOrANameRunningPastTheDocumentIsLeftToReadElementToReport()
    {
        var unknownType = new BsonDocument { { "a", 1 } }.ToBson();
        unknownType[4] = 0x42;
        var reader = new BsonReader(unknownType);
        reader.ReadStartDocument();
        Assert.False(reader.ReadElementIfNamed("a"u8));
        var typeError = ReadElementError(unknownType);
        Assert.Equal("unknown element type 0x42.", typeError.Reason);

        // { "abc": <missing> }: the name's zero would be the document's own.
        byte[] runaway = [10, 0, 0, 0, 0x10, (byte)'a', (byte)'b', (byte)'c', (byte)'d', 0];
        var runawayReader = new BsonReader(runaway);
        runawayReader.ReadStartDocument();
        Assert.False(runawayReader.ReadElementIfNamed("abcd"u8));
        Assert.Equal("the element name runs past the end of the document.", ReadElementError(runaway).Reason);
    }

    [Fact]
    public void ArrayItemsAreReadInOrderWithoutTheirNamesWhateverTheirNamesAre()
    {
        var items = new BsonArray { "zero", 1, 2.5, new BsonDocument("x", 1), BsonNull.Value };
        var bson = new BsonDocument { { "items", items }, { "long names", new BsonDocument { { "a long element name", 1 }, { "and another", 2 } } } }.ToBson();
        var reader = new BsonReader(bson);
        reader.ReadStartDocument();
        reader.ReadElement(out _);
        var array = reader.ReadStartArray();

        Assert.True(reader.ReadElement());
        Assert.Equal("0", reader.GetCurrentName());
        Assert.Equal("zero", reader.ReadString());
        Assert.True(reader.ReadElement());
        Assert.Equal(1, reader.ReadInt32());
        Assert.True(reader.ReadElement());
        Assert.Equal(2.5, reader.ReadDouble());
        Assert.True(reader.ReadElement());
        reader.Skip();
        Assert.True(reader.ReadElement());
        Assert.True(reader.TryReadNull());
        Assert.False(reader.ReadElement());
        reader.ReadEndArray(array);

        // Names of eight bytes and more go the general way, with the same result.
        reader.ReadElement(out _);
        var document = reader.ReadStartDocument();
        Assert.True(reader.ReadElement());
        Assert.Equal("a long element name", reader.GetCurrentName());
        Assert.Equal(1, reader.ReadInt32());
        Assert.True(reader.ReadElement());
        Assert.Equal("and another", reader.GetCurrentName());
        Assert.Equal(2, reader.ReadInt32());
        Assert.False(reader.ReadElement());
        reader.ReadEndDocument(document);
    }

    [Fact]
    public void ArrayItemsReadWithoutNamesFailAsReadElementDoes()
    {
        var bson = new BsonDocument { { "a", new BsonArray { 1, 2 } } }.ToBson();
        for (var at = 0; at < bson.Length; at++)
        {
            foreach (var value in new byte[] { 0, 0x42, 0xFF, (byte)'x' })
            {
                var corrupt = (byte[])bson.Clone();
                corrupt[at] = value;
                Assert.Equal(Outcome(corrupt, named: true), Outcome(corrupt, named: false));
            }
        }
    }

    [Fact]
    public void CountingAndSkippingTakeWhatTheTypedReadsTakeForEveryType()
    {
        var everyType = new BsonArray
        {
            1.5, "text", "", new BsonDocument("x", 1), new BsonArray { 1 }, new BsonBinaryData([1, 2, 3]),
            BsonUndefined.Value, ObjectId.Parse("5f1d7f3a9c1e4b2a3c4d5e6f"), true, new BsonDateTime(0), BsonNull.Value,
            new BsonRegularExpression("a+", "i"), new BsonJavaScript("f()"), BsonSymbol.Create("s"),
            new BsonJavaScriptWithScope("g()", new BsonDocument("y", 2)), 7, new BsonTimestamp(5), 1L << 40,
            new BsonDecimal128(1.25m), BsonMinKey.Value, BsonMaxKey.Value,
        };
        var bson = new BsonDocument("all", everyType).ToBson();

        Assert.Equal(everyType.Count, CountItems(bson));
        // Every single-byte corruption: the count, or its error, is the one of a walk with ReadElement and the typed
        // reads, which do not share the counting's arithmetic.
        for (var at = 0; at < bson.Length; at++)
        {
            foreach (var value in new byte[] { 0, 1, 0x7F, 0xFF, 0x13, 0x20 })
            {
                var corrupt = (byte[])bson.Clone();
                corrupt[at] = value;
                Assert.Equal(Attempt(() => CountByTypedReads(corrupt)), Attempt(() => CountItems(corrupt)));
            }
        }
    }

    private static BsonFormatException ReadElementError(byte[] bson)
    {
        var reader = new BsonReader(bson);
        reader.ReadStartDocument();
        try
        {
            reader.ReadElement(out _);
        }
        catch (BsonFormatException error)
        {
            return error;
        }
        throw new InvalidOperationException("ReadElement took the element.");
    }

    // The items of the array in { "a": [...] }, read by position, as text: what was read or the error at its offset.
    private static string Outcome(byte[] bson, bool named) => Attempt(() =>
    {
        var reader = new BsonReader(bson);
        reader.ReadStartDocument();
        reader.ReadElement(out _);
        var array = reader.ReadStartArray();
        var read = new List<int>();
        while (named ? reader.ReadElement(out _) : reader.ReadElement())
            read.Add(reader.ReadInt32());
        reader.ReadEndArray(array);
        return string.Join(",", read);
    });

    private static int CountItems(byte[] bson)
    {
        var reader = new BsonReader(bson);
        reader.ReadStartDocument();
        reader.ReadElement(out _);
        reader.ReadStartArray();
        var count = reader.CountElements();
        // Skipping each item must end where the count ended.
        var skipped = 0;
        while (reader.ReadElement(out _))
        {
            reader.Skip();
            skipped++;
        }
        Assert.Equal(count, skipped);
        return count;
    }

    private static int CountByTypedReads(byte[] bson)
    {
        var reader = new BsonReader(bson);
        reader.ReadStartDocument();
        reader.ReadElement(out _);
        reader.ReadStartArray();
        var count = 0;
        while (reader.ReadElement(out _))
        {
            switch (reader.CurrentType)
            {
                // Strings and binary data through their own checked reads; the other types have fixed sizes or one
                // length, which Skip's checked path would report the same way.
                case BsonType.String:
                case BsonType.Symbol:
                    reader.ReadUtf8String();
                    break;
                case BsonType.Binary:
                    reader.ReadBinary(out _);
                    break;
                default:
                    reader.Skip();
                    break;
            }
            count++;
        }
        return count;
    }

    private static string Attempt<T>(Func<T> action)
    {
        try
        {
            return "ok " + action();
        }
        catch (BsonFormatException error)
        {
            return $"error at {error.Offset}: {error.Reason}";
        }
    }
}

using System.Buffers.Binary;
using Broker.Bson;
using MongoDB.Bson;
using BsonDateTime = MongoDB.Bson.BsonDateTime;
using BsonType = Broker.Bson.BsonType;

namespace Broker.Tests.Bson;

public sealed class BsonReaderTests
{
    private static readonly Guid SampleGuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

    [Fact]
    public void ReadsEveryValueMongoDbWrites()
    {
        var bson = new BsonDocument
        {
            { "d", 1.5 },
            { "s", "héllo" },
            { "doc", new BsonDocument("a", 1) },
            { "arr", new BsonArray { 10, 20, 30 } },
            { "bin", new BsonBinaryData([1, 2, 3]) },
            { "guid", new BsonBinaryData(SampleGuid, GuidRepresentation.Standard) },
            { "oid", new ObjectId("5f1d7f3a9c1e4b2a3c4d5e6f") },
            { "t", true },
            { "dt", new BsonDateTime(new DateTime(2024, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc)) },
            { "null", BsonNull.Value },
            { "i", -42 },
            { "l", 1L << 40 },
        }.ToBson();

        var reader = new BsonReader(bson);
        var root = reader.ReadStartDocument();
        Assert.True(reader.ReadElement(out var name));
        Assert.Equal("d"u8.ToArray(), name.ToArray());
        Assert.Equal(1.5, reader.ReadDouble());
        Assert.True(reader.ReadElement(out _));
        Assert.Equal("héllo", reader.ReadString());
        Assert.True(reader.ReadElement(out _));
        var doc = reader.ReadStartDocument();
        Assert.True(reader.ReadElement(out _));
        Assert.Equal(1, reader.ReadInt32());
        Assert.False(reader.ReadElement(out _));
        reader.ReadEndDocument(doc);
        Assert.True(reader.ReadElement(out _));
        var arr = reader.ReadStartArray();
        Assert.Equal(3, reader.CountElements());
        var values = new List<int>();
        while (reader.ReadElement(out _))
            values.Add(reader.ReadInt32());
        reader.ReadEndArray(arr);
        Assert.Equal([10, 20, 30], values);
        Assert.True(reader.ReadElement(out _));
        Assert.Equal(new byte[] { 1, 2, 3 }, reader.ReadBytes());
        Assert.True(reader.ReadElement(out _));
        Assert.Equal(SampleGuid, reader.ReadGuid());
        Assert.True(reader.ReadElement(out _));
        Assert.Equal("5F1D7F3A9C1E4B2A3C4D5E6F", Convert.ToHexString(reader.ReadObjectId()));
        Assert.True(reader.ReadElement(out _));
        Assert.True(reader.ReadBoolean());
        Assert.True(reader.ReadElement(out _));
        var dt = reader.ReadDateTime();
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc), dt);
        Assert.Equal(DateTimeKind.Utc, dt.Kind);
        Assert.True(reader.ReadElement(out _));
        Assert.True(reader.TryReadNull());
        Assert.True(reader.ReadElement(out _));
        Assert.False(reader.TryReadNull());
        Assert.Equal(-42, reader.ReadInt32());
        Assert.True(reader.ReadElement(out _));
        Assert.Equal(1L << 40, reader.ReadInt64());
        Assert.False(reader.ReadElement(out _));
        reader.ReadEndDocument(root);
        Assert.Equal(bson.Length, reader.Position);
    }

    [Fact]
    public void SkipsEveryElementType()
    {
        var bson = new BsonDocument
        {
            { "d", 1.5 },
            { "s", "x" },
            { "doc", new BsonDocument("a", new BsonArray { 1, new BsonDocument() }) },
            { "arr", new BsonArray { 1 } },
            { "bin", new BsonBinaryData([1, 2, 3], BsonBinarySubType.UserDefined) },
            { "undefined", BsonUndefined.Value },
            { "oid", ObjectId.GenerateNewId() },
            { "bool", false },
            { "dt", new BsonDateTime(0) },
            { "null", BsonNull.Value },
            { "regex", new BsonRegularExpression("^a.*b$", "i") },
            { "js", new BsonJavaScript("function() {}") },
            { "symbol", BsonSymbol.Create("sym") },
            { "jsscope", new BsonJavaScriptWithScope("x", new BsonDocument("x", 1)) },
            { "i", 1 },
            { "ts", new BsonTimestamp(5, 6) },
            { "l", 2L },
            { "dec", new BsonDecimal128(1.5m) },
            { "min", BsonMinKey.Value },
            { "max", BsonMaxKey.Value },
            { "last", 99 },
        }.ToBson();

        var reader = new BsonReader(bson);
        var root = reader.ReadStartDocument();
        var last = 0;
        var count = 0;
        while (reader.ReadElement(out var name))
        {
            count++;
            if (name.SequenceEqual("last"u8))
                last = reader.ReadInt32();
            else
                reader.Skip();
        }
        reader.ReadEndDocument(root);

        Assert.Equal(21, count);
        Assert.Equal(99, last);
    }

    [Fact]
    public void SkipsADbPointer()
    {
        // MongoDB.Bson cannot write the deprecated DBPointer, so the bytes are built by hand: string "ns", 12-byte id.
        var bytes = new List<byte>();
        bytes.AddRange(new byte[4]);
        bytes.Add((byte)BsonType.DBPointer);
        bytes.AddRange("p\0"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(3));
        bytes.AddRange("ns\0"u8.ToArray());
        bytes.AddRange(new byte[12]);
        bytes.Add((byte)BsonType.Int32);
        bytes.AddRange("i\0"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(7));
        bytes.Add(0);
        var bson = bytes.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bson, bson.Length);

        var reader = new BsonReader(bson);
        var root = reader.ReadStartDocument();
        Assert.True(reader.ReadElement(out _));
        Assert.Equal(BsonType.DBPointer, reader.CurrentType);
        reader.Skip();
        Assert.True(reader.ReadElement(out _));
        Assert.Equal(7, reader.ReadInt32());
        Assert.False(reader.ReadElement(out _));
        reader.ReadEndDocument(root);
    }

    [Theory]
    [InlineData(5L, 5)]
    [InlineData(-5L, -5)]
    [InlineData(2147483647L, int.MaxValue)]
    public void Int32AcceptsAnInt64InRange(long stored, int expected) =>
        Assert.Equal(expected, ReadSingle(new BsonInt64(stored), static (ref BsonReader r) => r.ReadInt32()));

    [Theory]
    [InlineData(5.0, 5)]
    [InlineData(-2147483648.0, int.MinValue)]
    public void Int32AcceptsAWholeDouble(double stored, int expected) =>
        Assert.Equal(expected, ReadSingle(new BsonDouble(stored), static (ref BsonReader r) => r.ReadInt32()));

    [Theory]
    [MemberData(nameof(NotInt32))]
    public void Int32RefusesValuesThatDoNotConvertExactly(BsonValue stored)
    {
        var error = Assert.Throws<BsonFormatException>(() => ReadSingle(stored, static (ref BsonReader r) => r.ReadInt32()));
        Assert.Contains("'v'", error.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<BsonValue> NotInt32() => new()
    {
        new BsonInt64(1L << 31),
        new BsonDouble(5.5),
        new BsonDouble(double.NaN),
        new BsonDouble(3e9),
        new BsonString("5"),
        BsonNull.Value,
    };

    [Fact]
    public void Int64AcceptsInt32AndWholeDoubles()
    {
        Assert.Equal(7L, ReadSingle(new BsonInt32(7), static (ref BsonReader r) => r.ReadInt64()));
        Assert.Equal(1L << 53, ReadSingle(new BsonDouble(1L << 53), static (ref BsonReader r) => r.ReadInt64()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonDouble(9.3e18), static (ref BsonReader r) => r.ReadInt64()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonDouble(0.5), static (ref BsonReader r) => r.ReadInt64()));
    }

    [Fact]
    public void SingleReadsDoubleExtremesAsFloatExtremesAsMongoDbWritesThemAndRefusesOtherOverflows()
    {
        // MongoDB.Bson writes float.MaxValue as double.MaxValue (and MinValue likewise): BsonWriterTests pins that.
        Assert.Equal(float.MaxValue, ReadSingle(new BsonDouble(double.MaxValue), static (ref BsonReader r) => r.ReadSingle()));
        Assert.Equal(float.MinValue, ReadSingle(new BsonDouble(double.MinValue), static (ref BsonReader r) => r.ReadSingle()));
        Assert.Equal(1.5f, ReadSingle(new BsonDouble(1.5), static (ref BsonReader r) => r.ReadSingle()));
        Assert.Equal(float.PositiveInfinity, ReadSingle(new BsonDouble(double.PositiveInfinity), static (ref BsonReader r) => r.ReadSingle()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonDouble(1e300), static (ref BsonReader r) => r.ReadSingle()));
    }

    [Fact]
    public void DoubleAcceptsIntegersThatConvertExactly()
    {
        Assert.Equal(3.0, ReadSingle(new BsonInt32(3), static (ref BsonReader r) => r.ReadDouble()));
        Assert.Equal(9007199254740992.0, ReadSingle(new BsonInt64(1L << 53), static (ref BsonReader r) => r.ReadDouble()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonInt64((1L << 53) + 1), static (ref BsonReader r) => r.ReadDouble()));
    }

    [Fact]
    public void NarrowIntegersAreRangeChecked()
    {
        Assert.Equal((byte)200, ReadSingle(new BsonInt32(200), static (ref BsonReader r) => r.ReadByte()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonInt32(300), static (ref BsonReader r) => r.ReadByte()));
        Assert.Equal((short)-3, ReadSingle(new BsonInt32(-3), static (ref BsonReader r) => r.ReadInt16()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonInt32(40_000), static (ref BsonReader r) => r.ReadInt16()));
        Assert.Equal((sbyte)-1, ReadSingle(new BsonInt32(-1), static (ref BsonReader r) => r.ReadSByte()));
        Assert.Equal((ushort)65_000, ReadSingle(new BsonInt32(65_000), static (ref BsonReader r) => r.ReadUInt16()));
        Assert.Equal('A', ReadSingle(new BsonInt32(65), static (ref BsonReader r) => r.ReadChar()));
        Assert.Equal('Z', ReadSingle(new BsonString("Z"), static (ref BsonReader r) => r.ReadChar()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonInt32(-1), static (ref BsonReader r) => r.ReadChar()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonString("ZZ"), static (ref BsonReader r) => r.ReadChar()));
    }

    [Fact]
    public void SingleRefusesDoublesBeyondItsRange()
    {
        Assert.Equal(1.5f, ReadSingle(new BsonDouble(1.5), static (ref BsonReader r) => r.ReadSingle()));
        Assert.Equal(float.PositiveInfinity, ReadSingle(new BsonDouble(double.PositiveInfinity), static (ref BsonReader r) => r.ReadSingle()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonDouble(1e300), static (ref BsonReader r) => r.ReadSingle()));
    }

    [Fact]
    public void GuidMustBeStandardSubtype()
    {
        var legacy = new BsonBinaryData(new byte[16], BsonBinarySubType.UuidLegacy);
        var error = Assert.Throws<BsonFormatException>(() => ReadSingle(legacy, static (ref BsonReader r) => r.ReadGuid()));
        Assert.Contains("subtype 3", error.Reason, StringComparison.Ordinal);

        // MongoDB.Bson will not build a 15-byte UUID, so write generic binary and change its subtype byte.
        var shortUuid = new BsonDocument("v", new BsonBinaryData(new byte[15])).ToBson();
        shortUuid[11] = (byte)BsonBinarySubtype.Uuid;
        Assert.Throws<BsonFormatException>(() => ReadSingle(shortUuid, static (ref BsonReader r) => r.ReadGuid()));
    }

    [Fact]
    public void BytesMustBeGenericBinary()
    {
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonBinaryData(new byte[16], BsonBinarySubType.UuidStandard), static (ref BsonReader r) => r.ReadBytes()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonArray { 1, 2 }, static (ref BsonReader r) => r.ReadBytes()));
    }

    [Fact]
    public void DateTimeMaxValueRoundTripsAndOutOfRangeIsRefused()
    {
        var max = ReadSingle(new BsonDateTime(DateTime.MaxValue), static (ref BsonReader r) => r.ReadDateTime());
        Assert.Equal(DateTime.MaxValue, max);
        Assert.Equal(DateTimeKind.Utc, max.Kind);
        Assert.Equal(DateTime.MinValue, ReadSingle(new BsonDateTime(DateTime.MinValue), static (ref BsonReader r) => r.ReadDateTime()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonDateTime(long.MaxValue), static (ref BsonReader r) => r.ReadDateTime()));
        Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonDateTime(long.MinValue), static (ref BsonReader r) => r.ReadDateTime()));
    }

    [Fact]
    public void TypeMismatchNamesTheElementAndBothTypes()
    {
        var error = Assert.Throws<BsonFormatException>(() => ReadSingle(new BsonString("x"), static (ref BsonReader r) => r.ReadBoolean()));

        Assert.Equal("element 'v' is a String; expected a Boolean.", error.Reason);
        Assert.Equal(4, error.Offset);
    }

    [Fact]
    public void BooleanBytesOtherThanZeroAndOneAreRefused()
    {
        var bson = new BsonDocument("v", true).ToBson();
        bson[7] = 2;

        Assert.Throws<BsonFormatException>(() => ReadSingle(bson, static (ref BsonReader r) => r.ReadBoolean()));
    }

    [Fact]
    public void InvalidUtf8IsRefused()
    {
        var bson = new BsonDocument("v", "ab").ToBson();
        bson[11] = 0xC3; // a lead byte followed by 'b': not UTF-8

        var error = Assert.Throws<BsonFormatException>(() => ReadSingle(bson, static (ref BsonReader r) => r.ReadString()));
        Assert.Contains("UTF-8", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTruncationThrowsBsonFormatException()
    {
        var bson = RichDocument();

        for (var length = 0; length < bson.Length; length++)
        {
            var truncated = bson.AsSpan(0, length).ToArray();
            // Keep the length prefix honest for the shorter input too, so the reader has to find the damage inside.
            if (length >= 4)
                BinaryPrimitives.WriteInt32LittleEndian(truncated, length);
            Assert.Throws<BsonFormatException>(() => BsonWalker.Walk(truncated));
        }
    }

    [Fact]
    public void RandomCorruptionThrowsOnlyBsonFormatException()
    {
        var original = RichDocument();
        var random = new Random(20240611);

        for (var round = 0; round < 20_000; round++)
        {
            var corrupt = (byte[])original.Clone();
            var flips = random.Next(1, 4);
            for (var i = 0; i < flips; i++)
            {
                var at = random.Next(corrupt.Length);
                corrupt[at] = random.Next(3) switch
                {
                    0 => (byte)random.Next(256),
                    1 => 0xFF,
                    _ => 0,
                };
            }
            try
            {
                BsonWalker.Walk(corrupt);
            }
            catch (BsonFormatException)
            {
            }
        }
    }

    [Fact]
    public void HugeLengthsAreRefusedBeforeAnythingIsAllocated()
    {
        var bson = new BsonDocument { { "s", "abc" }, { "b", new BsonBinaryData([1]) }, { "d", new BsonDocument() } }.ToBson();
        // The string's, the binary's and the embedded document's length prefixes.
        foreach (var lengthOffset in new[] { 7, 18, 27 })
        {
            var corrupt = (byte[])bson.Clone();
            BinaryPrimitives.WriteInt32LittleEndian(corrupt.AsSpan(lengthOffset), int.MaxValue);
            var error = Assert.Throws<BsonFormatException>(() => BsonWalker.Walk(corrupt));
            Assert.True(error.Offset >= 4 && error.Offset < bson.Length, $"offset {error.Offset}");
        }
    }

    [Fact]
    public void RootLengthLongerThanTheInputIsRefused()
    {
        var bson = new BsonDocument("a", 1).ToBson();
        BinaryPrimitives.WriteInt32LittleEndian(bson, bson.Length + 1);

        var error = Assert.Throws<BsonFormatException>(() => BsonWalker.Walk(bson));
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void DocumentThatEndsBeforeItsLengthIsRefused()
    {
        var bson = new BsonDocument("a", 1).ToBson().Concat(new byte[] { 0 }).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bson, bson.Length);

        var error = Assert.Throws<BsonFormatException>(() => BsonWalker.Walk(bson));
        Assert.Contains("ends at offset", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NestingDeeperThanMaxDepthIsRefusedWithoutRecursingIntoIt()
    {
        // MongoDB.Bson refuses to write this deep, so nest by hand: { d: { d: ... { } } }.
        var bson = new byte[] { 5, 0, 0, 0, 0 };
        for (var i = 0; i < BsonReader.MaxDepth + 50; i++)
        {
            var outer = new byte[bson.Length + 8];
            BinaryPrimitives.WriteInt32LittleEndian(outer, outer.Length);
            outer[4] = (byte)BsonType.Document;
            outer[5] = (byte)'d';
            bson.CopyTo(outer, 7);
            bson = outer;
        }

        var error = Assert.Throws<BsonFormatException>(() => BsonWalker.Walk(bson));
        Assert.Contains("nest deeper", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownElementTypeIsRefused()
    {
        var bson = new BsonDocument("a", 1).ToBson();
        bson[4] = 0x42;

        var error = Assert.Throws<BsonFormatException>(() => BsonWalker.Walk(bson));
        Assert.Equal(4, error.Offset);
        Assert.Contains("0x42", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadingTheNextElementBeforeTheValueIsAMistake()
    {
        var bson = new BsonDocument { { "a", 1 }, { "b", 2 } }.ToBson();

        Assert.Throws<InvalidOperationException>(() =>
        {
            var reader = new BsonReader(bson);
            reader.ReadStartDocument();
            reader.ReadElement(out _);
            reader.ReadElement(out _);
        });
    }

    [Fact]
    public void DictionaryKeysDecodeAsStrings()
    {
        var bson = new BsonDocument("ключ", 1).ToBson();
        var reader = new BsonReader(bson);
        reader.ReadStartDocument();
        reader.ReadElement(out _);

        Assert.Equal("ключ", reader.GetCurrentName());
    }

    [Fact]
    public void ReadingNumbersAllocatesNothing()
    {
        var doc = new BsonDocument { { "a", 1 }, { "b", 2L }, { "c", 1.5 }, { "d", true }, { "g", new BsonBinaryData(SampleGuid, GuidRepresentation.Standard) }, { "arr", new BsonArray(Enumerable.Range(0, 20)) } };
        var bson = doc.ToBson();
        ReadAll(bson);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0L;
        for (var i = 0; i < 100; i++)
            total += ReadAll(bson);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(100 * (1 + 2 + 1 + 1 + 1 + 190), total);

        static long ReadAll(byte[] bson)
        {
            var reader = new BsonReader(bson);
            var root = reader.ReadStartDocument();
            long sum = 0;
            while (reader.ReadElement(out var name))
            {
                switch (reader.CurrentType)
                {
                    case BsonType.Int32: sum += reader.ReadInt32(); break;
                    case BsonType.Int64: sum += reader.ReadInt64(); break;
                    case BsonType.Double: sum += (long)reader.ReadDouble(); break;
                    case BsonType.Boolean: sum += reader.ReadBoolean() ? 1 : 0; break;
                    case BsonType.Binary: sum += reader.ReadGuid() == SampleGuid ? 1 : 0; break;
                    default:
                        var array = reader.ReadStartArray();
                        while (reader.ReadElement(out _))
                            sum += reader.ReadInt32();
                        reader.ReadEndArray(array);
                        break;
                }
            }
            reader.ReadEndDocument(root);
            return sum;
        }
    }

    private static byte[] RichDocument() => new BsonDocument
    {
        { "_id", 42 },
        { "name", "Contoso Ltd." },
        { "amount", 12.5 },
        { "when", new BsonDateTime(1_700_000_000_000) },
        { "tags", new BsonArray { "a", "bb", "ccc" } },
        { "ship", new BsonDocument { { "street", "Main" }, { "zip", 12345 }, { "geo", new BsonArray { 1.5, 2.5 } } } },
        { "id", new BsonBinaryData(SampleGuid, GuidRepresentation.Standard) },
        { "flag", true },
        { "none", BsonNull.Value },
        { "big", 1L << 40 },
        { "regex", new BsonRegularExpression("a+", "i") },
        { "code", new BsonJavaScriptWithScope("x", new BsonDocument("x", 1)) },
    }.ToBson();

    private delegate T ReadAction<out T>(ref BsonReader reader);

    private static T ReadSingle<T>(BsonValue value, ReadAction<T> read) => ReadSingle(new BsonDocument("v", value).ToBson(), read);

    private static T ReadSingle<T>(byte[] bson, ReadAction<T> read)
    {
        var reader = new BsonReader(bson);
        var root = reader.ReadStartDocument();
        reader.ReadElement(out _);
        var value = read(ref reader);
        reader.ReadElement(out _);
        reader.ReadEndDocument(root);
        return value;
    }
}

using System.Buffers;
using System.Buffers.Binary;
using Broker.Bson;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using BsonType = Broker.Bson.BsonType;

namespace Broker.Tests.Bson;

/// <summary>
/// The writer's and reader's forms of decimal, Decimal128, TimeSpan, DateTimeOffset, DateOnly and TimeOnly match the
/// bytes of MongoDB.Bson's default serializers, and read back; the discriminator is found wherever it is.
/// </summary>
public sealed class BsonValueTypesTests
{
    [Fact]
    public void DecimalsMatchMongoDbsDecimalSerializer()
    {
        var random = new Random(3);
        decimal[] fixedValues = [0m, -0m, 1m, 12.340m, decimal.MinValue, decimal.MaxValue, 0.0000000000000000000000000001m, -79228162514264337593543950334m];
        var values = fixedValues.Concat(Enumerable.Range(0, 2000).Select(_ =>
            new decimal(random.Next(), random.Next(), random.Next(), random.Next(2) == 0, (byte)random.Next(29))));

        foreach (var value in values)
        {
            var ours = Write((ref BsonWriter writer) => writer.WriteDecimal("X"u8, value));
            Assert.Equal(Convert.ToHexString(new Holder<decimal> { X = value }.ToBson()), Convert.ToHexString(ours));
            Assert.Equal(value, Read(ours, (ref BsonReader reader) => reader.ReadDecimal()));
            Assert.Equal(decimal.GetBits(value), decimal.GetBits(Read(ours, (ref BsonReader reader) => reader.ReadDecimal())));
        }
    }

    [Theory]
    [InlineData("1E-30", "0")]
    [InlineData("1.5E+3", "1500")]
    [InlineData("1E+28", "10000000000000000000000000000")]
    [InlineData("1.23456789012345678901234567890123", "1.2345678901234567890123456789")]
    public void Decimal128BeyondDecimalsScaleIsRounded(string stored, string expected)
    {
        var bson = new BsonDocument("X", Decimal128.Parse(stored)).ToBson();

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Read(bson, (ref BsonReader reader) => reader.ReadDecimal()));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1E+29")]
    [InlineData("1234567890123456789012345678901234")]
    public void Decimal128OutsideDecimalIsAnError(string stored)
    {
        var bson = new BsonDocument("X", Decimal128.Parse(stored)).ToBson();

        var error = Assert.Throws<BsonFormatException>(() => Read(bson, (ref BsonReader reader) => reader.ReadDecimal()));
        Assert.Equal(4, error.Offset);
    }

    [Fact]
    public void TimeTypesMatchMongoDbsDefaultSerializers()
    {
        var random = new Random(4);
        for (var i = 0; i < 500; i++)
        {
            var span = TimeSpan.FromTicks(random.NextInt64(long.MinValue, long.MaxValue));
            var day = DateOnly.FromDayNumber(random.Next(DateOnly.MaxValue.DayNumber + 1));
            var time = new TimeOnly(random.NextInt64(TimeSpan.TicksPerDay));
            var offset = TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1));
            var clock = random.NextInt64(Math.Max(0, -offset.Ticks), DateTime.MaxValue.Ticks - Math.Max(0, offset.Ticks));
            var moment = new DateTimeOffset(clock, offset);

            AssertSame(span, (ref BsonWriter w) => w.WriteTimeSpan("X"u8, span), (ref BsonReader r) => r.ReadTimeSpan());
            AssertSame(day, (ref BsonWriter w) => w.WriteDateOnly("X"u8, day), (ref BsonReader r) => r.ReadDateOnly());
            AssertSame(time, (ref BsonWriter w) => w.WriteTimeOnly("X"u8, time), (ref BsonReader r) => r.ReadTimeOnly());
            AssertSame(moment, (ref BsonWriter w) => w.WriteDateTimeOffset("X"u8, moment), (ref BsonReader r) => r.ReadDateTimeOffset());
        }
    }

    [Fact]
    public void DateOnlyThatIsNotMidnightIsAnError()
    {
        var bson = new BsonDocument("X", new MongoDB.Bson.BsonDateTime(new DateTime(2024, 1, 2, 3, 0, 0, DateTimeKind.Utc))).ToBson();

        Assert.Throws<BsonFormatException>(() => Read(bson, (ref BsonReader reader) => reader.ReadDateOnly()));
    }

    [Fact]
    public void DiscriminatorIsFoundWhereverItIs()
    {
        Assert.Equal("Dog", Peek(new BsonDocument { { "Name", "x" }, { "_t", "Dog" } }));
        Assert.Equal("Puppy", Peek(new BsonDocument { { "_t", new BsonArray { "Animal", "Dog", "Puppy" } } }));
        Assert.Equal("", Peek(new BsonDocument("Name", "x")));
        Assert.Throws<BsonFormatException>(() => Peek(new BsonDocument("_t", 5)));
    }

    // MongoDB.Bson reads the array's last entry only, and refuses a discriminator that names nothing.
    [Fact]
    public void OnlyTheLastEntryOfADiscriminatorArrayIsReadAndAnEmptyOneIsAnError()
    {
        Assert.Equal("Puppy", Peek(new BsonDocument("_t", new BsonArray { 5, BsonNull.Value, "Puppy" })));
        Assert.Throws<BsonFormatException>(() => Peek(new BsonDocument("_t", new BsonArray { "Dog", 5 })));
        Assert.Equal("the discriminator '_t' is an empty array, which names no class.",
            Assert.Throws<BsonFormatException>(() => Peek(new BsonDocument("_t", new BsonArray()))).Reason);
        Assert.Equal("the discriminator '_t' is an empty string, which names no class.",
            Assert.Throws<BsonFormatException>(() => Peek(new BsonDocument { { "Name", "x" }, { "_t", "" } })).Reason);
        Assert.Throws<BsonFormatException>(() => Peek(new BsonDocument("_t", new BsonArray { "Dog", "" })));
    }

    [Fact]
    public void ADiscriminatorArrayOfAnyLengthIsWalkedToItsLastEntry()
    {
        var huge = new BsonArray(Enumerable.Range(0, 100_000).Select(i => (BsonValue)(i % 3 == 0 ? "Animal" : i)));
        huge.Add("Dog");
        Assert.Equal("Dog", Peek(new BsonDocument { { "Name", "x" }, { "_t", huge }, { "Age", 3 } }));
        // An array or document as the last entry names nothing, however well formed.
        Assert.Throws<BsonFormatException>(() => Peek(new BsonDocument("_t", new BsonArray { "Dog", new BsonArray { "Puppy" } })));
        Assert.Throws<BsonFormatException>(() => Peek(new BsonDocument("_t", new BsonArray { "Dog", new BsonDocument("_t", "Puppy") })));
    }

    [Fact]
    public void PeekingATruncatedDocumentThrowsBsonFormatException()
    {
        var bson = new BsonDocument { { "Name", "x" }, { "_t", new BsonArray { "Animal", "Dog" } }, { "Age", 3 } }.ToBson();
        var discriminatorEnd = bson.Length - 1 - (1 + "Age".Length + 1 + 4);
        for (var length = 0; length < discriminatorEnd; length++)
        {
            var truncated = bson.AsSpan(0, length).ToArray();
            // An honest length prefix, so that the damage must be found inside, in the elements before _t or in _t itself.
            if (length >= 4)
                BinaryPrimitives.WriteInt32LittleEndian(truncated, length);
            Assert.Throws<BsonFormatException>(() =>
            {
                var reader = new BsonReader(truncated);
                return reader.PeekDiscriminator().Length;
            });
        }
    }

    [Fact]
    public void StringsOfUtf8BytesAndFormattedValuesMatchMongoDb()
    {
        Assert.Equal(new BsonDocument("X", "Green").ToBson(), Write((ref BsonWriter w) => w.WriteUtf8String("X"u8, "Green"u8)));
        Assert.Equal(new BsonDocument("X", "-1234").ToBson(), Write((ref BsonWriter w) => w.WriteFormatted("X"u8, -1234)));
        Assert.Equal(new BsonDocument("X", "1.50").ToBson(), Write((ref BsonWriter w) => w.WriteFormatted("X"u8, 1.50m)));
        Assert.Equal(
            new BsonDocument("X", new ObjectId("5f1d7f3a9c1e4b2a3c4d5e6f")).ToBson(),
            Write((ref BsonWriter w) => w.WriteObjectId("X"u8, "5f1d7f3a9c1e4b2a3c4d5e6f")));
        Assert.Throws<FormatException>(() => Write((ref BsonWriter w) => w.WriteObjectId("X"u8, "not hex")));
    }

    [Fact]
    public void ValidatedNamesWriteTheSameBytes()
    {
        Assert.Equal(
            Write((ref BsonWriter w) => w.WriteInt32("Count"u8, 3)),
            Write((ref BsonWriter w) => w.WriteInt32(BsonElementName.FromValidatedUtf8("Count"u8), 3)));
    }

    private static void AssertSame<T>(T value, WriteAction write, BsonReaderFunc<T> read)
    {
        var ours = Write(write);
        Assert.Equal(Convert.ToHexString(new Holder<T> { X = value }.ToBson()), Convert.ToHexString(ours));
        Assert.Equal(value, Read(ours, read));
        Assert.Equal(value, BsonSerializer.Deserialize<Holder<T>>(ours).X);
    }

    private static string Peek(BsonDocument document)
    {
        var reader = new BsonReader(document.ToBson());
        return System.Text.Encoding.UTF8.GetString(reader.PeekDiscriminator());
    }

    private static byte[] Write(WriteAction write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BsonWriter(output);
        var start = writer.WriteStartDocument();
        write(ref writer);
        writer.WriteEndDocument(start);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    private static T Read<T>(byte[] bson, BsonReaderFunc<T> read)
    {
        var reader = new BsonReader(bson);
        var scope = reader.ReadStartDocument();
        Assert.True(reader.ReadElement(out _));
        var value = read(ref reader);
        Assert.False(reader.ReadElement(out _));
        reader.ReadEndDocument(scope);
        return value;
    }

    private delegate void WriteAction(ref BsonWriter writer);

    private delegate T BsonReaderFunc<out T>(ref BsonReader reader);

    private sealed class Holder<T>
    {
        public T X { get; set; } = default!;
    }
}

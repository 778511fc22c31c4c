using System.Buffers;
using System.Text;
using Broker.Bson;
using MongoDB.Bson;
using BsonDateTime = MongoDB.Bson.BsonDateTime;
using BsonType = Broker.Bson.BsonType;

namespace Broker.Tests.Bson;

public sealed class BsonWriterTests
{
    private static readonly Guid SampleGuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
    private static readonly byte[] SampleObjectId = Convert.FromHexString("5f1d7f3a9c1e4b2a3c4d5e6f");

    [Theory]
    [InlineData(float.MaxValue)]
    [InlineData(float.MinValue)]
    [InlineData(1.25f)]
    [InlineData(float.NegativeInfinity)]
    public void SingleMatchesMongoDbBytesIncludingItsExtremes(float value)
    {
        var expected = new SingleHolder { F = value }.ToBson();

        var actual = Write((ref BsonWriter w) =>
        {
            var root = w.WriteStartDocument();
            w.WriteSingle("F"u8, value);
            w.WriteEndDocument(root);
        });

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    /// <summary>A float as MongoDB.Bson's class map serializes it.</summary>
    public sealed class SingleHolder
    {
        public float F { get; set; }
    }

    [Fact]
    public void EveryElementTypeMatchesMongoDbBytes()
    {
        var expected = new BsonDocument
        {
            { "d", 1.5 },
            { "s", "héllo wörld" },
            { "empty", "" },
            { "doc", new BsonDocument { { "a", 1 }, { "b", new BsonDocument() } } },
            { "arr", new BsonArray { 1, "x", BsonNull.Value, new BsonArray { 2L } } },
            { "bin", new BsonBinaryData([1, 2, 3]) },
            { "guid", new BsonBinaryData(SampleGuid, GuidRepresentation.Standard) },
            { "oid", new ObjectId(SampleObjectId) },
            { "t", true },
            { "f", false },
            { "dt", new BsonDateTime(1_704_164_645_678) },
            { "null", BsonNull.Value },
            { "i", -42 },
            { "l", 1L << 40 },
        }.ToBson();

        var actual = Write(static (ref BsonWriter w) =>
        {
            var root = w.WriteStartDocument();
            w.WriteDouble("d"u8, 1.5);
            w.WriteString("s"u8, "héllo wörld");
            w.WriteString("empty"u8, "");
            var doc = w.WriteStartDocument("doc"u8);
            w.WriteInt32("a"u8, 1);
            var inner = w.WriteStartDocument("b"u8);
            w.WriteEndDocument(inner);
            w.WriteEndDocument(doc);
            var arr = w.WriteStartArray("arr"u8);
            w.WriteInt32(0, 1);
            w.WriteString(1, "x");
            w.WriteNull(2);
            var nested = w.WriteStartArray(3);
            w.WriteInt64(0, 2L);
            w.WriteEndArray(nested);
            w.WriteEndArray(arr);
            w.WriteBinary("bin"u8, [1, 2, 3]);
            w.WriteGuid("guid"u8, SampleGuid);
            w.WriteObjectId("oid"u8, SampleObjectId);
            w.WriteBoolean("t"u8, true);
            w.WriteBoolean("f"u8, false);
            w.WriteUtcDateTime("dt"u8, 1_704_164_645_678);
            w.WriteNull("null"u8);
            w.WriteInt32("i"u8, -42);
            w.WriteInt64("l"u8, 1L << 40);
            w.WriteEndDocument(root);
        });

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    [Fact]
    public void StringNamesAreEncodedAsUtf8()
    {
        var expected = new BsonDocument { { "ключ", 1 }, { "b.c", 2 } }.ToBson();

        var actual = Write(static (ref BsonWriter w) =>
        {
            var root = w.WriteStartDocument();
            w.WriteInt32("ключ", 1);
            w.WriteInt32("b.c", 2);
            w.WriteEndDocument(root);
        });

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ArrayIndexNamesAreDecimal()
    {
        var expected = new BsonDocument { { "a", new BsonArray(Enumerable.Range(0, 12)) } }.ToBson();

        var actual = Write(static (ref BsonWriter w) =>
        {
            var root = w.WriteStartDocument();
            var array = w.WriteStartArray("a"u8);
            for (var i = 0; i < 12; i++)
                w.WriteInt32(i, i);
            w.WriteEndArray(array);
            w.WriteEndDocument(root);
        });

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(300)]
    [InlineData(5000)]
    public void GrowingCarriesPendingBytesOverWhenTheOutputRecyclesItsBuffers(int stringLength)
    {
        var text = new string('x', stringLength);
        var expected = new BsonDocument
        {
            { "before", 7 },
            { "nested", new BsonDocument { { "text", text }, { "list", new BsonArray(Enumerable.Range(0, 50)) } } },
            { "after", text },
        }.ToBson();
        var output = new RecyclingBufferWriter();

        var writer = new BsonWriter(output);
        var root = writer.WriteStartDocument();
        writer.WriteInt32("before"u8, 7);
        var nested = writer.WriteStartDocument("nested"u8);
        writer.WriteString("text"u8, text);
        var list = writer.WriteStartArray("list"u8);
        for (var i = 0; i < 50; i++)
            writer.WriteInt32(i, i);
        writer.WriteEndArray(list);
        writer.WriteEndDocument(nested);
        writer.WriteString("after"u8, text);
        writer.WriteEndDocument(root);
        writer.Flush();

        Assert.True(output.GetSpanCalls > 1, "the test must make the writer grow");
        Assert.Equal(1, output.AdvanceCalls);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(output.WrittenBytes));
    }

    [Fact]
    public void NothingIsCommittedBeforeFlush()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BsonWriter(output);
        var root = writer.WriteStartDocument();
        writer.WriteInt32("a"u8, 1);
        writer.WriteEndDocument(root);

        Assert.Equal(0, output.WrittenCount);
        Assert.Equal(12, writer.BytesPending);
        writer.Flush();
        Assert.Equal(12, output.WrittenCount);
        Assert.Equal(0, writer.BytesPending);
    }

    [Fact]
    public void DocumentsWrittenAfterAFlushFollowTheFirst()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BsonWriter(output);
        for (var n = 0; n < 2; n++)
        {
            var root = writer.WriteStartDocument();
            writer.WriteInt32("n"u8, n);
            writer.WriteEndDocument(root);
            writer.Flush();
        }

        var expected = new BsonDocument("n", 0).ToBson().Concat(new BsonDocument("n", 1).ToBson()).ToArray();
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void FlushWithAnOpenDocumentIsRefused()
    {
        var writer = new BsonWriter(new ArrayBufferWriter<byte>());
        writer.WriteStartDocument();

        InvalidOperationException? error = null;
        try
        {
            writer.Flush();
        }
        catch (InvalidOperationException ex)
        {
            error = ex;
        }

        Assert.NotNull(error);
        Assert.Contains("open", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndWithoutAMatchingStartIsRefused()
    {
        var writer = new BsonWriter(new ArrayBufferWriter<byte>());
        var threw = false;
        try
        {
            writer.WriteEndDocument(0);
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }

        Assert.True(threw);
    }

    [Fact]
    public void NamesContainingZeroAreRefused()
    {
        Assert.Throws<ArgumentException>(() =>
        {
            var w = new BsonWriter(new ArrayBufferWriter<byte>());
            w.WriteStartDocument();
            w.WriteInt32("a\0b", 1);
        });
        Assert.Throws<ArgumentException>(() =>
        {
            var w = new BsonWriter(new ArrayBufferWriter<byte>());
            w.WriteStartDocument();
            w.WriteInt32("a\0b"u8, 1);
        });
    }

    [Fact]
    public void LoneSurrogatesAreRefusedRatherThanReplaced()
    {
        Assert.Throws<EncoderFallbackException>(() =>
        {
            var w = new BsonWriter(new ArrayBufferWriter<byte>());
            w.WriteStartDocument();
            w.WriteString("s"u8, "a\ud800b");
        });
    }

    [Fact]
    public void NestingBeyondMaxDepthIsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new BsonWriter(new ArrayBufferWriter<byte>());
            w.WriteStartDocument();
            for (var depth = 1; depth <= BsonWriter.MaxDepth; depth++)
                w.WriteStartDocument("d"u8);
        });

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ObjectIdMustBeTwelveBytes()
    {
        Assert.Throws<ArgumentException>(() =>
        {
            var w = new BsonWriter(new ArrayBufferWriter<byte>());
            w.WriteStartDocument();
            w.WriteObjectId("id"u8, new byte[11]);
        });
    }

    [Theory]
    [MemberData(nameof(DateTimes))]
    public void DateTimesMatchMongoDb(DateTime value)
    {
        var expected = new BsonDocument("t", new BsonDateTime(value)).ToBson();

        var actual = Write((ref BsonWriter w) =>
        {
            var root = w.WriteStartDocument();
            w.WriteDateTime("t"u8, value);
            w.WriteEndDocument(root);
        });

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    public static TheoryData<DateTime> DateTimes() => new()
    {
        new DateTime(2024, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc).AddTicks(9_999),
        new DateTime(1960, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(5),
        DateTime.MinValue,
        DateTime.MaxValue,
        DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Local),
        new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Local),
        new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Unspecified),
    };

    [Fact]
    public void WritingIntoAReusedOutputAllocatesNothing()
    {
        var output = new ArrayBufferWriter<byte>(4096);
        WriteSample(output);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            output.ResetWrittenCount();
            WriteSample(output);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        static void WriteSample(IBufferWriter<byte> output)
        {
            var w = new BsonWriter(output);
            var root = w.WriteStartDocument();
            w.WriteInt32("_id"u8, 42);
            w.WriteString("Username"u8, "alice_smith");
            w.WriteGuid("Correlation"u8, SampleGuid);
            w.WriteDateTime("At"u8, new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc));
            var tags = w.WriteStartArray("Tags"u8);
            for (var i = 0; i < 20; i++)
                w.WriteString(i, "tag");
            w.WriteEndArray(tags);
            w.WriteEndDocument(root);
            w.Flush();
        }
    }

    private delegate void WriteAction(ref BsonWriter writer);

    private static byte[] Write(WriteAction write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BsonWriter(output);
        write(ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }
}

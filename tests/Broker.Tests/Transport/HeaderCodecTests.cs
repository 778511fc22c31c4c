using System.Buffers;
using Broker.Bson;
using Broker.Transport;

namespace Broker.Tests.Transport;

public sealed class HeaderCodecTests
{
    [Fact]
    public void HeadersRoundTripWithCaseSensitiveKeysAndAnyText()
    {
        var headers = new Dictionary<string, string> { ["Tenant"] = "Ünïcode ✓", ["tenant"] = "", ["traceparent"] = "00-abc-01" };

        var decoded = HeaderCodec.Decode(HeaderCodec.Encode(headers, "orders"));

        Assert.Equal(headers.OrderBy(h => h.Key, StringComparer.Ordinal), decoded.OrderBy(h => h.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void NoHeadersEncodeToNoBytesAndDecodeToAnEmptyDictionary()
    {
        Assert.Empty(HeaderCodec.Encode(null, "orders"));
        Assert.Empty(HeaderCodec.Encode(new Dictionary<string, string>(), "orders"));
        Assert.Empty(HeaderCodec.Decode([]));
        HeaderCodec.Validate([], "orders");
    }

    [Fact]
    public void HeadersUpToTheLimitAreAcceptedAndOneByteMoreIsRefusedNamingTheChannel()
    {
        // A document with one string element: 4 (length) + 1 (type) + 2 ("k\0") + 4 (string length) + value + 1 (NUL) + 1 (end).
        var fitting = new Dictionary<string, string> { ["k"] = new string('x', HeaderCodec.MaxBytes - 13) };
        var over = new Dictionary<string, string> { ["k"] = new string('x', HeaderCodec.MaxBytes - 12) };

        Assert.Equal(HeaderCodec.MaxBytes, HeaderCodec.Encode(fitting, "orders").Length);
        var refused = Assert.Throws<ArgumentException>(() => HeaderCodec.Encode(over, "orders"));
        Assert.Contains("channel 'orders'", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"{HeaderCodec.MaxBytes + 1} bytes encoded; the limit is {HeaderCodec.MaxBytes} bytes", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty key")]
    [InlineData("a\0b", "NUL")]
    public void BadKeysAreRefused(string key, string expected)
    {
        var refused = Assert.Throws<ArgumentException>(() => HeaderCodec.Encode(new Dictionary<string, string> { [key] = "v" }, "orders"));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysUpToTheLengthLimitAreAcceptedAndLongerOnesRefused()
    {
        HeaderCodec.Encode(new Dictionary<string, string> { [new string('k', HeaderCodec.MaxKeyLength)] = "v" }, "orders");

        var refused = Assert.Throws<ArgumentException>(() => HeaderCodec.Encode(new Dictionary<string, string> { [new string('k', HeaderCodec.MaxKeyLength + 1)] = "v" }, "orders"));
        Assert.Contains($"{HeaderCodec.MaxKeyLength + 1} characters long; the limit is {HeaderCodec.MaxKeyLength}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANullValueOrANulInAValueIsRefused()
    {
        Assert.Throws<ArgumentException>(() => HeaderCodec.Encode(new Dictionary<string, string> { ["k"] = null! }, "orders"));
        Assert.Throws<ArgumentException>(() => HeaderCodec.Encode(new Dictionary<string, string> { ["k"] = "a\0b" }, "orders"));
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "not BSON", [1, 2, 3] },
        { "a length prefix that lies", [200, 0, 0, 0, 0] },
        { "bytes after the document", [5, 0, 0, 0, 0, 7] },
        { "an int32 value", Document((ref BsonWriter w) => w.WriteInt32("k"u8, 1)) },
        { "a key twice", Document((ref BsonWriter w) => { w.WriteString("k"u8, "a"); w.WriteString("k"u8, "b"); }) },
        { "an empty key", Document((ref BsonWriter w) => w.WriteString(""u8, "a")) },
        { "a NUL in a value", Document((ref BsonWriter w) => w.WriteString("k"u8, "a\0b")) },
        { "a key that is not UTF-8", [14, 0, 0, 0, 2, 0xFF, 0, 2, 0, 0, 0, (byte)'a', 0, 0] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedEncodedHeadersAreRefusedNamingTheChannel(string what, byte[] encoded)
    {
        var refused = Assert.Throws<ArgumentException>(() => HeaderCodec.Validate(encoded, "orders"));

        Assert.Contains("channel 'orders'", refused.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(what));
    }

    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Fact]
    public void TraceContextFollowsTheCallersHeadersAndACallersKeyWins()
    {
        var encoded = HeaderCodec.EncodeWithTraceContext(
            new Dictionary<string, string> { ["tenant"] = "acme", ["tracestate"] = "mine=1" },
            [new("traceparent", TraceParent), new("tracestate", "theirs=2")], "orders");

        Assert.Equal(
            [new("tenant", "acme"), new("tracestate", "mine=1"), new("traceparent", TraceParent)],
            HeaderCodec.Decode(encoded).ToList());
    }

    [Fact]
    public void TraceContextThatWouldPassTheLimitIsLeftOutBaggageFirstAndTheProduceGoesOn()
    {
        // The caller's headers alone fit with room for a traceparent, not for a large baggage as well.
        var headers = new Dictionary<string, string> { ["big"] = new string('x', HeaderCodec.MaxBytes - 200) };
        var baggage = new KeyValuePair<string, string>("baggage", "k=" + new string('v', 1000));

        var kept = HeaderCodec.Decode(HeaderCodec.EncodeWithTraceContext(headers, [new("traceparent", TraceParent), baggage], "orders"));
        Assert.Equal(["big", "traceparent"], kept.Keys);

        // With no room even for the traceparent, the message goes without trace context.
        var full = new Dictionary<string, string> { ["big"] = new string('x', HeaderCodec.MaxBytes - 30) };
        var bare = HeaderCodec.Decode(HeaderCodec.EncodeWithTraceContext(full, [new("traceparent", TraceParent)], "orders"));
        Assert.Equal(["big"], bare.Keys);

        // The caller's own headers past the limit are still refused.
        var tooBig = new Dictionary<string, string> { ["big"] = new string('x', HeaderCodec.MaxBytes) };
        Assert.Throws<ArgumentException>(() => HeaderCodec.EncodeWithTraceContext(tooBig, [new("traceparent", TraceParent)], "orders"));
    }

    private delegate void Body(ref BsonWriter writer);

    private static byte[] Document(Body body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BsonWriter(buffer);
        var start = writer.WriteStartDocument();
        body(ref writer);
        writer.WriteEndDocument(start);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}

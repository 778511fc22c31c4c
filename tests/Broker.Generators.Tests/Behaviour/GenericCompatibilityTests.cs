using Broker.Bson;
using Broker.Generators.Tests.Behaviour.Generics;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// Closed generic types, as the message of a channel and as members, write MongoDB.Bson's bytes and read them back, both
/// ways, over random values (fixed seeds).
/// </summary>
public sealed class GenericCompatibilityTests
{
    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomCatalogsMatchMongoDbBothWays(int seed)
    {
        var values = new GenericValues(seed);
        for (var i = 0; i < 200; i++)
        {
            var catalog = values.Catalog();
            AssertSameBytes(catalog, i);
            AssertReadsMongoDbBytes(catalog, i);
            AssertMongoDbReadsOurBytes(catalog, i);
        }
    }

    [Fact]
    public void AGenericMessageMatchesMongoDbBothWays()
    {
        var values = new GenericValues(7);
        for (var i = 0; i < 50; i++)
        {
            var envelope = values.Envelope();
            AssertSameBytes(envelope, i);
            AssertReadsMongoDbBytes(envelope, i);
            AssertMongoDbReadsOurBytes(envelope, i);
            Assert.Equal(envelope, BsonCodec.Deserialize<Envelope<Member>>(BsonCodec.ToBson(envelope)));
        }
    }

    [Fact]
    public async Task AChannelOfAGenericMessageProducesMongoDbsBytes()
    {
        var transport = new RecordingTransport();
        IMemberEnvelopeChannel channel = new IMemberEnvelopeChannel.Implementation(transport, loggerFactory: null);
        var envelope = new Envelope<Member>("joined", new Member(1, "alice"));

        await channel.ProduceAsync(envelope);

        var produced = Assert.Single(transport.Produced);
        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(envelope)), MongoBson.Hex(produced.Message.Payload.ToArray()));
    }

    [Fact]
    public void ImmutableGenericTypesAreCreatedThroughTheirConstructors()
    {
        var at = new DateTime(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        var catalog = new Catalog
        {
            Counted = new Pair<int, string?>(3, "three"),
            Tagged = new Pair<Tier, List<string>>(Tier.Gold, ["a", "b"]),
            Held = new Holder<Guid>(Guid.Empty, at),
        };

        var read = BsonCodec.Deserialize<Catalog>(BsonCodec.ToBson(catalog));

        Assert.Equal((3, "three"), (read.Counted.Key, read.Counted.Value));
        Assert.Equal(Tier.Gold, read.Tagged!.Value.Key);
        Assert.Equal(["a", "b"], read.Tagged.Value.Value);
        Assert.Equal(at, read.Held!.At);
    }

    [Fact]
    public void ANullPayloadIsRefusedOnlyWhereTheTypeArgumentSaysItCannotBeNull()
    {
        // Envelope<Member> and Envelope<Member?> are one run-time type, with a codec each: only the first refuses a null.
        var allowed = new Catalog { MaybeReply = new Envelope<Member?>("k", null) };
        AssertSameBytes(allowed, 0);
        Assert.Null(BsonCodec.Deserialize<Catalog>(BsonCodec.ToBson(allowed)).MaybeReply!.Payload);

        var refused = new Catalog { Reply = new Envelope<Member>("k", null!) };
        var error = Assert.Throws<BsonNullMemberException>(() => BsonCodec.ToBson(refused));
        Assert.Contains("Reply.Payload", error.Message, StringComparison.Ordinal);
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
}

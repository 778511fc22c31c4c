using Broker.Bson;
using MongoDB.Bson;

// Beside its message types, whose names (User, Profile) win here over the Behaviour types of the same names.
namespace Broker.Generators.Tests.Behaviour.Camel;

/// <summary>
/// [BrokerNaming(BsonNaming.CamelCase)]: the elements Deepkit and other JavaScript apps write and expect, with the same
/// bytes as MongoDB.Bson given CamelCaseElementNameConvention and an id chosen by name unmapped.
/// </summary>
public sealed class CamelCaseNamingTests
{
    private static readonly byte[] DeepkitUser = new BsonDocument { { "id", 1 }, { "username", "Peter" } }.ToBson();

    [Fact]
    public void TheSeedRecordIsWrittenAsDeepkitWritesIt() =>
        Assert.Equal(MongoBson.Hex(DeepkitUser), MongoBson.Hex(BsonCodec.ToBson(new User(1, "Peter"))));

    [Fact]
    public void WhatDeepkitWritesIsReadIntoTheSeedRecord()
    {
        Assert.Equal(new User(1, "Peter"), BsonCodec.Deserialize<User>(DeepkitUser));

        // The same record without the naming finds no '_id', which is why such messages were dead-lettered.
        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<Behaviour.User>(DeepkitUser));
        Assert.Contains("no '_id' element", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryShapeMatchesMongoDbWithTheEquivalentConventions()
    {
        AssertSameBytesBothWays(new User(7, "alice"));
        AssertSameBytesBothWays(Filled());
        AssertSameBytesBothWays(new Profile());
        AssertSameBytesBothWays(new Keyed { Key = 3, Id = 4, Name = "k" });
    }

    [Fact]
    public void ExplicitNamesAndTheExplicitIdStillWin()
    {
        var profile = BsonSerializer(Filled());
        Assert.Equal(
            ["id", "displayName", "EMAIL", "nickname", "uRL", "owner", "home", "shapes", "scores"],
            profile.Names);
        Assert.Equal(["Street", "City", "Zip"], profile["home"].AsBsonDocument.Names);
        Assert.Equal(["_t", "label", "radius"], profile["shapes"][0].AsBsonDocument.Names);
        Assert.Equal(["Eu", "us"], profile["scores"].AsBsonDocument.Names);

        Assert.Equal(["_id", "id", "name"], BsonSerializer(new Keyed { Key = 1, Id = 2, Name = "n" }).Names);
    }

    [Fact]
    public async Task AChannelProducesTheCamelCaseDocument()
    {
        var transport = new RecordingTransport();
        IProfileChannel channel = new IProfileChannel.Implementation(transport, loggerFactory: null);

        await channel.ProduceAsync(Filled());

        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(Filled())), MongoBson.Hex(Assert.Single(transport.Produced).Message.Payload.ToArray()));
    }

    private static BsonDocument BsonSerializer<T>(T value) => MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonDocument>(BsonCodec.ToBson(value));

    private static void AssertSameBytes<T>(T value) =>
        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(value)), MongoBson.Hex(BsonCodec.ToBson(value)));

    // The codec writes MongoDB.Bson's bytes, and reads them back into a value MongoDB.Bson writes the same way.
    private static void AssertSameBytesBothWays<T>(T value)
    {
        AssertSameBytes(value);
        var written = MongoBson.ToBson(value);
        Assert.Equal(MongoBson.Hex(written), MongoBson.Hex(MongoBson.ToBson(BsonCodec.Deserialize<T>(written))));
    }

    private static Profile Filled() => new()
    {
        Id = 42,
        DisplayName = "Alice",
        Email = "alice@example.com",
        Nickname = "al",
        URL = "https://example.com/alice",
        Owner = new User(1, "Peter"),
        Home = new Address { Street = "1 Main St", City = "Springfield", Zip = 12345 },
        Shapes = [new Circle { Label = "c", Radius = 2.5 }],
        Scores = new Dictionary<string, int> { ["Eu"] = 1, ["us"] = 2 },
    };
}

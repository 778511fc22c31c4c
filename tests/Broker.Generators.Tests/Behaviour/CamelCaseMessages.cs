// Types named by [BrokerNaming(BsonNaming.CamelCase)], as a C# app shares them with a Deepkit (TypeScript) app. The
// attribute is on each type rather than on this assembly, so the other behaviour types keep MongoDB.Bson's defaults;
// MongoBson registers the equivalent MongoDB.Bson conventions for exactly these types.
using MongoDB.Bson.Serialization.Attributes;

#pragma warning disable CA2227 // Settable collections are what MongoDB.Bson maps by default.
#pragma warning disable CA1002 // List<T> members are one of the shapes under test.
#pragma warning disable CA1056 // A string URL member is one of the shapes under test (only its first letter is lowered).

namespace Broker.Generators.Tests.Behaviour.Camel;

/// <summary>The seed's message, which Deepkit writes as <c>{ id, username }</c>.</summary>
[BrokerNaming(BsonNaming.CamelCase)]
public sealed record User(int Id, string Username);

[BrokerNaming(BsonNaming.CamelCase)]
public sealed class Profile
{
    public int Id { get; set; }

    public string DisplayName { get; set; } = "";

    [BsonElement("EMAIL")]
    public string Email { get; set; } = "";

    [BsonElement]
    public string? Nickname { get; set; }

    public string URL { get; set; } = "";

    public User Owner { get; set; } = new(0, "");

    /// <summary>Declared without [BrokerNaming]: its members keep their C# names inside this camelCase document.</summary>
    public Address? Home { get; set; }

    public List<Shape> Shapes { get; set; } = [];

    /// <summary>Keys are data, never renamed.</summary>
    public Dictionary<string, int> Scores { get; set; } = [];
}

/// <summary>An explicit [BsonId] is still the id, written as <c>_id</c>.</summary>
[BrokerNaming(BsonNaming.CamelCase)]
public sealed class Keyed
{
    [BsonId]
    public int Key { get; set; }

    public int Id { get; set; }

    public string Name { get; set; } = "";
}

[BrokerNaming(BsonNaming.CamelCase)]
[BsonKnownTypes(typeof(Circle))]
public abstract class Shape
{
    public string Label { get; set; } = "";
}

/// <summary>Each class of a hierarchy is named by its own declaration: the base's members here are camelCase too.</summary>
[BrokerNaming(BsonNaming.CamelCase)]
public sealed class Circle : Shape
{
    public double Radius { get; set; }
}

[Channel("tests/camel-profiles")]
internal partial interface IProfileChannel : IQueueChannel<Profile>;

[Channel("tests/camel-keyed")]
internal partial interface IKeyedChannel : IQueueChannel<Keyed>;

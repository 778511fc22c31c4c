// The zoo: one type for each shape the codecs cover beyond the basics in Messages.cs, reached from IZooChannel so the
// generator compiles real codecs for them. ZooValues fills them with random values; the tests compare with MongoDB.Bson.
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

#pragma warning disable CA1720 // Members named after the type they hold are the clearest names for a shape test.
#pragma warning disable CA1051 // Public fields are part of the shapes under test.
#pragma warning disable CA2227 // Settable collections are what MongoDB.Bson maps by default.
#pragma warning disable CA1002 // List<T> members are one of the shapes under test.
#pragma warning disable CA1819 // Array properties are one of the shapes under test.
#pragma warning disable CA1008 // An enum without a zero name is one of the shapes under test.

namespace Broker.Generators.Tests.Behaviour.Zoo;

public enum Shade
{
    Red,
    Green,
    Blue,
    Alias = Blue,
}

[Flags]
public enum Permissions
{
    None = 0,
    Read = 1,
    Write = 2,
    Delete = 4,
}

public enum Wide : long
{
    Near = 1,
    Far = 1L << 40,
}

public sealed class Times
{
    public decimal Price { get; set; }

    public decimal? MaybePrice { get; set; }

    public DateTimeOffset At { get; set; }

    public DateTimeOffset? MaybeAt { get; set; }

    public DateOnly Day { get; set; }

    public DateOnly? MaybeDay { get; set; }

    public TimeOnly Clock { get; set; }

    public TimeSpan Span { get; set; }

    public TimeSpan? MaybeSpan { get; set; }

    public ObjectId Oid { get; set; }

    public ObjectId? MaybeOid { get; set; }

    public Decimal128 Big { get; set; }

    public DateTime When { get; set; }

    public List<decimal>? Prices { get; set; }

    public uint Unsigned { get; set; }

    public ulong? Huge { get; set; }
}

public sealed class Collections
{
    public HashSet<int>? Set { get; set; }

    public IReadOnlyCollection<string>? ReadOnly { get; set; }

    public ICollection<long>? Collection { get; set; }

    public IEnumerable<int>? Sequence { get; set; }

    public ISet<string>? SetInterface { get; set; }

    public IReadOnlyDictionary<string, int>? Map { get; set; }

    public IDictionary<string, List<Shade>>? Nested { get; set; }

    public Shade[]? Shades { get; set; }

    public Dictionary<string, Times?>? TimesByName { get; set; }
}

public sealed class Attributed
{
    public string Plain { get; set; } = "";

    [BsonElement("n")]
    public string Name { get; set; } = "";

    [BsonIgnore]
    public int Ignored { get; set; }

    [BsonIgnoreIfNull]
    public string? Maybe { get; set; }

    [BsonIgnoreIfDefault]
    public int Zero { get; set; }

    [BsonDefaultValue(7)]
    [BsonIgnoreIfDefault]
    public int Seven { get; set; } = 7;

    [BsonDefaultValue("fallback")]
    public string? WithDefault { get; set; }

    [BsonRepresentation(BsonType.String)]
    public Shade Color { get; set; }

    [BsonRepresentation(BsonType.String)]
    public Permissions Permissions { get; set; }

    [BsonRepresentation(BsonType.ObjectId)]
    public string? Reference { get; set; }

    [BsonId]
    public int Key { get; set; }

    [BsonElement(Order = 1)]
    public int First { get; set; }

    [BsonRepresentation(BsonType.String)]
    public int IntText { get; set; }

    [BsonRepresentation(BsonType.Int64)]
    public int IntWide { get; set; }

    [BsonRepresentation(BsonType.String)]
    public long LongText { get; set; }

    [BsonRepresentation(BsonType.String)]
    public decimal DecimalText { get; set; }

    [BsonRepresentation(BsonType.Double)]
    public decimal DecimalDouble { get; set; }

    [BsonRepresentation(BsonType.String)]
    public Guid GuidText { get; set; }

    [BsonRepresentation(BsonType.String)]
    public List<Shade>? ShadeNames { get; set; }

    [BsonRepresentation(BsonType.Int64)]
    public TimeSpan SpanTicks { get; set; }

    [BsonRepresentation(BsonType.Int64)]
    public Shade WideShade { get; set; }

    public Wide Wide { get; set; }

    [BsonRequired]
    public string Must { get; set; } = "";

    [BsonElement]
    public int Computed => First + Zero;

    [BsonIgnoreIfNull]
    public int? MaybeNumber { get; set; }
}

public sealed class Constructed
{
    public Constructed()
    {
        B = "";
    }

    [BsonConstructor]
    public Constructed(int a, string b)
    {
        A = a;
        B = b;
    }

    public int A { get; set; }

    public string B { get; set; }

    public bool SetLater { get; set; }
}

public sealed class GetOnlyCollections
{
    [BsonElement]
    public List<string> Tags { get; } = [];

    [BsonElement]
    public Dictionary<string, int> Counts { get; } = [];

    public int X { get; set; }
}

[BsonKnownTypes(typeof(Circle), typeof(Rectangle))]
public abstract class Shape
{
    public string Label { get; set; } = "";
}

public sealed class Circle : Shape
{
    public double Radius { get; set; }
}

[BsonKnownTypes(typeof(Square))]
public class Rectangle : Shape
{
    public double Width { get; set; }

    public double Height { get; set; }
}

public sealed class Square : Rectangle
{
    public bool Rotated { get; set; }
}

[BsonDiscriminator("vehicle", RootClass = true)]
[BsonKnownTypes(typeof(Car))]
public class Vehicle
{
    public int Wheels { get; set; }
}

[BsonDiscriminator("car")]
[BsonKnownTypes(typeof(SportsCar))]
public class Car : Vehicle
{
    public string Make { get; set; } = "";
}

public sealed class SportsCar : Car
{
    public int TopSpeed { get; set; }
}

[BsonDiscriminator(Required = true)]
public sealed class Tagged
{
    public int X { get; set; }
}

public sealed class Polymorphic
{
    public Shape? One { get; set; }

    public Shape? Two { get; set; }

    public List<Shape>? Many { get; set; }

    public Rectangle? JustRectangle { get; set; }

    public Vehicle? Vehicle { get; set; }

    public Vehicle? PlainVehicle { get; set; }

    public Car? Car { get; set; }

    public Tagged? Tagged { get; set; }

    public Dictionary<string, Shape>? ByName { get; set; }
}

public readonly record struct Money(decimal Amount, string Currency);

public sealed record Line(string Sku, int Quantity, Money Price);

public sealed record Order(ObjectId Id, IReadOnlyList<Line> Lines, DateTimeOffset PlacedAt)
{
    public string? Note { get; init; }

    public required Shade Shade { get; init; }
}

public sealed class Scalars
{
    public Guid Id { get; set; }

    public Guid? MaybeId { get; set; }

    public byte[]? Blob { get; set; }

    public float Ratio { get; set; }

    public char Letter { get; set; }

    public byte Small { get; set; }

    public sbyte Signed { get; set; }

    public short Short { get; set; }

    public ushort UnsignedShort { get; set; }

    public bool? MaybeFlag { get; set; }

    public Money[]? Amounts { get; set; }

    public Node? Tree { get; set; }
}

/// <summary>A recursive class: a tree of any depth.</summary>
public sealed class Node
{
    public int Value { get; set; }

    public Node? Next { get; set; }

    public List<Node>? Children { get; set; }
}

/// <summary>Reaches every zoo shape from one channel.</summary>
public sealed class Animal
{
    public Scalars? Scalars { get; set; }

    public Times? Times { get; set; }

    public Collections? Collections { get; set; }

    public Attributed? Attributed { get; set; }

    public Constructed? Constructed { get; set; }

    public GetOnlyCollections? GetOnly { get; set; }

    public Polymorphic? Polymorphic { get; set; }

    public Order? Order { get; set; }
}

[Channel("tests/zoo")]
internal partial interface IZooChannel : IQueueChannel<Animal>;

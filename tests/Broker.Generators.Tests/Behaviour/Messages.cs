// Message types covering every shape the generator supports. The channels in TestChannels.cs reach all of them, so the
// generator compiles real codecs for them into this assembly; the tests compare those codecs with MongoDB.Bson.
#pragma warning disable CA1720 // Members named after the type they hold (Int, Long, Guid) are the clearest names for a shape test.
namespace Broker.Generators.Tests.Behaviour
{
    public enum Priority
    {
        Low,
        Normal,
        High,
    }

    public enum Size : long
    {
        Small = 1,
        Huge = 1L << 40,
    }

    public enum Tiny : byte
    {
        A = 1,
        B = 200,
    }

    public enum Signed : short
    {
        Minus = -5,
        Plus = 5,
    }

    public sealed record User(int Id, string Username);

    public sealed class Address
    {
        public string Street { get; set; } = "";

        public string City { get; set; } = "";

        public int Zip { get; set; }
    }

    /// <summary>The "rich" message of the performance baselines.</summary>
    public sealed class OrderEvent
    {
        public long Sequence { get; set; }

        public double Amount { get; set; }

        public bool IsExpress { get; set; }

        public DateTime CreatedAt { get; set; }

        public Guid CorrelationId { get; set; }

        public string CustomerName { get; set; } = "";

        public List<string> Tags { get; set; } = [];

        public Address? ShipTo { get; set; }

        public Priority Priority { get; set; }

        public int? RetryCount { get; set; }
    }

    public sealed class Scalars
    {
        public bool Flag { get; set; }

        public byte Byte { get; set; }

        public sbyte SByte { get; set; }

        public short Short { get; set; }

        public ushort UShort { get; set; }

        public int Int { get; set; }

        public long Long { get; set; }

        public float Float { get; set; }

        public double Double { get; set; }

        public char Char { get; set; }

        public string? Text { get; set; }

        public Guid Guid { get; set; }

        public DateTime When { get; set; }

        public byte[]? Bytes { get; set; }

        public Priority Priority { get; set; }

        public Size Size { get; set; }

        public Tiny Tiny { get; set; }

        public Signed Signed { get; set; }

        public bool? MaybeFlag { get; set; }

        public int? MaybeInt { get; set; }

        public long? MaybeLong { get; set; }

        public double? MaybeDouble { get; set; }

        public float? MaybeFloat { get; set; }

        public char? MaybeChar { get; set; }

        public Guid? MaybeGuid { get; set; }

        public DateTime? MaybeWhen { get; set; }

        public Priority? MaybePriority { get; set; }

        public byte? MaybeByte { get; set; }
    }

    public sealed class Collections
    {
        public int[]? Numbers { get; set; }

        public List<string?>? Names { get; set; }

        public IReadOnlyList<Address>? Stops { get; set; }

        public IList<long>? Longs { get; set; }

        public Dictionary<string, int>? Counts { get; set; }

        public IReadOnlyDictionary<string, Address?>? Places { get; set; }

        public IDictionary<string, double>? Weights { get; set; }

        public List<List<int>>? Nested { get; set; }

        public int?[]? Gaps { get; set; }

        public Dictionary<string, List<int>?>? Buckets { get; set; }

        public string[][]? Jagged { get; set; }

        public List<byte>? SmallNumbers { get; set; }

        public List<Guid>? Ids { get; set; }

        public Point[]? Points { get; set; }
    }

    public struct Point
    {
        public int X { get; set; }

        public int Y { get; set; }
    }

    public readonly struct ImmutablePoint
    {
        public ImmutablePoint(int x, int y)
        {
            X = x;
            Y = y;
        }

        public int X { get; }

        public int Y { get; }
    }

    public readonly record struct Range(int Start, int End);

    public record struct MutableRange(int Start, int End);

    public sealed record InitOnly
    {
        public int A { get; init; }

        public string? B { get; init; }

        public required string C { get; init; }
    }

    public sealed record Mixed(int P)
    {
        public string? Extra { get; set; }
    }

    public sealed record WithDefaults(int A, string B = "dflt", Priority P = Priority.High, double D = 1.5, string? Note = null);

    public sealed class Node
    {
        public string Name { get; set; } = "";

        public Node? Next { get; set; }

        public List<Node> Children { get; set; } = [];
    }

    public sealed class Immutable
    {
        public Immutable(int id, string name)
        {
            Id = id;
            Name = name;
        }

        public int Id { get; }

        public string Name { get; }
    }

    // Dog is listed so that a Dog in Everything.Animal can be written too (BRK0018 asks for it).
    [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Dog))]
    public class Animal
    {
        public int Id { get; set; }

        public string Name { get; set; } = "";

        public virtual int Legs { get; set; } = 4;
    }

    public sealed class Dog : Animal
    {
        public bool GoodBoy { get; set; }

        public override int Legs { get; set; } = 4;
    }

#pragma warning disable CA1051 // Public fields are part of the shape under test: MongoDB.Bson writes them before properties.
    public sealed class WithFields
    {
        public int P1 { get; set; }

        public int F1;

        public string? F2;

        public int P2 { get; set; }
    }
#pragma warning restore CA1051

#pragma warning disable IDE1006 // The lower-case names are what is being tested.
    public sealed class LowerId
    {
        public string Name { get; set; } = "";

        public int id { get; set; }
    }

    public sealed class UnderscoreId
    {
        public string? _id { get; set; }

        public int Value { get; set; }
    }

    public sealed record KeywordNames(int @class, string @event);
#pragma warning restore IDE1006

    public sealed class TwoItems
    {
        public Alpha.Item? First { get; set; }

        public Beta.Item? Second { get; set; }
    }

    /// <summary>Reaches every shape above from one channel.</summary>
    public sealed class Everything
    {
        public OrderEvent? Order { get; set; }

        public Scalars? Scalars { get; set; }

        public Collections? Collections { get; set; }

        public Point Point { get; set; }

        public ImmutablePoint ImmutablePoint { get; set; }

        public Range Range { get; set; }

        public MutableRange? MutableRange { get; set; }

        public InitOnly? InitOnly { get; set; }

        public Mixed? Mixed { get; set; }

        public WithDefaults? WithDefaults { get; set; }

        public Node? Node { get; set; }

        public Immutable? Immutable { get; set; }

        public Dog? Dog { get; set; }

        public Animal? Animal { get; set; }

        public WithFields? WithFields { get; set; }

        public LowerId? LowerId { get; set; }

        public UnderscoreId? UnderscoreId { get; set; }

        public KeywordNames? KeywordNames { get; set; }

        public TwoItems? TwoItems { get; set; }
    }
}

namespace Broker.Generators.Tests.Behaviour.Alpha
{
    public sealed class Item
    {
        public int A { get; set; }
    }
}

namespace Broker.Generators.Tests.Behaviour.Beta
{
    public sealed class Item
    {
        public string? B { get; set; }
    }
}

// Message types for the fail-fast null checks: non-nullable references at the top, nested, in collections and
// dictionaries, under a polymorphic member and in a struct, next to members that may hold null (nullable, oblivious,
// [BsonIgnoreIfNull], [MaybeNull]). INullCheckChannel reaches them all, so the generator compiles their real codecs.
using System.Diagnostics.CodeAnalysis;
using MongoDB.Bson.Serialization.Attributes;

#pragma warning disable CA2227 // Settable collections are what MongoDB.Bson maps by default.
#pragma warning disable CA1002 // List<T> members are one of the shapes under test.
#pragma warning disable CA1819 // Array properties are one of the shapes under test.

namespace Broker.Generators.Tests.Behaviour.NullChecks;

public sealed record Line(string Sku, int Quantity);

public sealed class Address
{
    public string Street { get; set; } = "";

    public string? Note { get; set; }
}

public readonly record struct Money(decimal Amount, string Currency);

[BsonKnownTypes(typeof(Card), typeof(Invoice))]
public abstract class Payment
{
    public string Reference { get; set; } = "";
}

public sealed class Card : Payment
{
    public string Holder { get; set; } = "";
}

public sealed class Invoice : Payment
{
    public int Days { get; set; }
}

public sealed class Order
{
    public string Customer { get; set; } = "";

    public Address ShipTo { get; set; } = new();

    public Address? BillTo { get; set; }

    public List<Line> Lines { get; set; } = [];

    public Dictionary<string, Money> Totals { get; set; } = [];

    public string[][] Codes { get; set; } = [];

    public List<string?> Notes { get; set; } = [];

    public Payment? Payment { get; set; }

    [BsonIgnoreIfNull]
    public string Coupon { get; set; } = "";

    [MaybeNull]
    public string Comment { get; set; } = "";

    public Legacy? Legacy { get; set; }
}

[Channel("tests/null-checks")]
internal partial interface INullCheckChannel : IQueueChannel<Order>;

using Broker.Generators.Model;

namespace Broker.Generators.Parsing;

/// <summary>
/// Which <c>[BsonRepresentation]</c> each kind of value can take in the generated codecs: the ones whose bytes match
/// MongoDB.Bson's serializers exactly. Anything else is refused, with the attribute named, rather than written
/// differently.
/// </summary>
internal static class Representations
{
    /// <summary>MongoDB.Bson's BsonType numbers for the representations the codecs write.</summary>
    public static Representation? FromBsonType(int bsonType) => bsonType switch
    {
        1 => Representation.Double,
        2 => Representation.String,
        7 => Representation.ObjectId,
        16 => Representation.Int32,
        18 => Representation.Int64,
        19 => Representation.Decimal128,
        _ => null,
    };

    /// <summary>A representation that is the kind's own (a string as String) changes nothing; it reads as Default.</summary>
    public static Representation Normalize(ValueKind kind, Representation representation) => (kind, representation) switch
    {
        (ValueKind.String, Representation.String) or (ValueKind.Int32, Representation.Int32) or (ValueKind.Int64, Representation.Int64) or
        (ValueKind.Double, Representation.Double) or (ValueKind.Decimal, Representation.Decimal128) or
        (ValueKind.Decimal128, Representation.Decimal128) or (ValueKind.ObjectId, Representation.ObjectId) or
        (ValueKind.TimeSpan, Representation.String) => Representation.Default,
        _ => representation,
    };

    public static bool IsSupported(ValueKind kind, Representation representation) => representation switch
    {
        Representation.Default => true,
        Representation.String => kind is ValueKind.Enum or ValueKind.Int32 or ValueKind.Int64 or ValueKind.Decimal or ValueKind.Guid
            or ValueKind.String or ValueKind.TimeSpan,
        Representation.Int32 => kind is ValueKind.Enum or ValueKind.Int32 or ValueKind.Int64,
        Representation.Int64 => kind is ValueKind.Enum or ValueKind.Int32 or ValueKind.Int64 or ValueKind.TimeSpan,
        Representation.Double => kind is ValueKind.Double or ValueKind.Decimal,
        Representation.Decimal128 => kind is ValueKind.Decimal or ValueKind.Decimal128,
        Representation.ObjectId => kind is ValueKind.String or ValueKind.ObjectId,
        _ => false,
    };
}

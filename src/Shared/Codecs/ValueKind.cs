namespace Broker.Generators.Model;

/// <summary>How a value travels in BSON; decides which writer and reader calls the codec makes.</summary>
internal enum ValueKind
{
    /// <summary>BSON boolean.</summary>
    Boolean,

    /// <summary><see cref="byte"/> as int32.</summary>
    Byte,

    /// <summary><see cref="sbyte"/> as int32.</summary>
    SByte,

    /// <summary><see cref="short"/> as int32.</summary>
    Int16,

    /// <summary><see cref="ushort"/> as int32.</summary>
    UInt16,

    /// <summary>BSON int32.</summary>
    Int32,

    /// <summary>BSON int64.</summary>
    Int64,

    /// <summary><see cref="uint"/>: int32 when it fits (MongoDB.Bson's form), int64 otherwise.</summary>
    UInt32,

    /// <summary><see cref="ulong"/>: int64 when it fits (MongoDB.Bson's form), a Decimal128 integer otherwise.</summary>
    UInt64,

    /// <summary><see cref="float"/> as double.</summary>
    Single,

    /// <summary>BSON double.</summary>
    Double,

    /// <summary><see cref="char"/> as int32 (MongoDB.Bson's default).</summary>
    Char,

    /// <summary>BSON string; null as BSON null.</summary>
    String,

    /// <summary>Binary subtype 4, standard byte order.</summary>
    Guid,

    /// <summary>BSON UTC datetime.</summary>
    DateTime,

    /// <summary><see cref="decimal"/> as Decimal128, keeping its scale.</summary>
    Decimal,

    /// <summary>MongoDB.Bson's <c>Decimal128</c> struct as Decimal128.</summary>
    Decimal128,

    /// <summary>MongoDB.Bson's <c>ObjectId</c> struct as an ObjectId.</summary>
    ObjectId,

    /// <summary>A document of DateTime, Ticks and Offset.</summary>
    DateTimeOffset,

    /// <summary>A UTC datetime at midnight.</summary>
    DateOnly,

    /// <summary>Ticks as int64.</summary>
    TimeOnly,

    /// <summary>A string in the constant ("c") format.</summary>
    TimeSpan,

    /// <summary><c>byte[]</c> as generic binary.</summary>
    Bytes,

    /// <summary>An enum as its underlying integer; <see cref="ValueModel.Element"/> is the underlying kind (Int32 or Int64 on the wire).</summary>
    Enum,

    /// <summary><see cref="System.Nullable{T}"/>; <see cref="ValueModel.Element"/> is T.</summary>
    Nullable,

    /// <summary>A one-dimensional array; <see cref="ValueModel.Element"/> is the element.</summary>
    Array,

    /// <summary>A list or a read-only collection interface, read back as a <c>List&lt;T&gt;</c>.</summary>
    List,

    /// <summary><c>HashSet&lt;T&gt;</c>, <c>ISet&lt;T&gt;</c> or <c>IReadOnlySet&lt;T&gt;</c>, read back as a <c>HashSet&lt;T&gt;</c>.</summary>
    Set,

    /// <summary>A dictionary with string keys as an embedded document, read back as a <c>Dictionary&lt;string, T&gt;</c>.</summary>
    Dictionary,

    /// <summary>A class, struct or record with a generated codec.</summary>
    Document,
}

/// <summary>How the codec walks a collection when writing it; each avoids allocating an enumerator where it can.</summary>
internal enum Traversal
{
    /// <summary>A for loop over the indexer: arrays, <c>List&lt;T&gt;</c>, <c>IList&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>.</summary>
    Indexer,

    /// <summary>foreach over a concrete type whose enumerator is a struct: <c>HashSet&lt;T&gt;</c>, <c>Dictionary&lt;K, V&gt;</c>.</summary>
    Enumerator,

    /// <summary>foreach over an interface, with a first check for the common concrete type so that it allocates nothing.</summary>
    Interface,
}

/// <summary>The BSON type a member asks for with <c>[BsonRepresentation]</c>; <see cref="Default"/> is the type's own.</summary>
internal enum Representation
{
    Default,
    String,
    Int32,
    Int64,
    Double,
    Decimal128,
    ObjectId,
}

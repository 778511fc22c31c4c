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

    /// <summary><c>byte[]</c> as generic binary.</summary>
    Bytes,

    /// <summary>An enum as its underlying integer; <see cref="ValueModel.Element"/> is the underlying kind (Int32 or Int64 on the wire).</summary>
    Enum,

    /// <summary><see cref="System.Nullable{T}"/>; <see cref="ValueModel.Element"/> is T.</summary>
    Nullable,

    /// <summary>A one-dimensional array; <see cref="ValueModel.Element"/> is the element.</summary>
    Array,

    /// <summary><c>List&lt;T&gt;</c>, <c>IList&lt;T&gt;</c> or <c>IReadOnlyList&lt;T&gt;</c>, read back as a <c>List&lt;T&gt;</c>.</summary>
    List,

    /// <summary>A dictionary with string keys as an embedded document, read back as a <c>Dictionary&lt;string, T&gt;</c>.</summary>
    Dictionary,

    /// <summary>A class, struct or record with a generated codec.</summary>
    Document,
}

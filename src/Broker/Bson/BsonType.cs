namespace Broker.Bson;

#pragma warning disable CA1720 // The names are the BSON specification's own (double, string, int32, int64).

/// <summary>The element types of the BSON specification (bsonspec.org, version 1.1), by their type byte.</summary>
public enum BsonType : byte
{
    /// <summary>64-bit IEEE 754 floating point.</summary>
    Double = 0x01,

    /// <summary>UTF-8 string.</summary>
    String = 0x02,

    /// <summary>Embedded document.</summary>
    Document = 0x03,

    /// <summary>Array: a document whose keys are "0", "1", ...</summary>
    Array = 0x04,

    /// <summary>Binary data with a subtype.</summary>
    Binary = 0x05,

    /// <summary>Undefined (deprecated).</summary>
    Undefined = 0x06,

    /// <summary>12-byte ObjectId.</summary>
    ObjectId = 0x07,

    /// <summary>Boolean.</summary>
    Boolean = 0x08,

    /// <summary>UTC datetime: milliseconds since the Unix epoch.</summary>
    DateTime = 0x09,

    /// <summary>Null.</summary>
    Null = 0x0A,

    /// <summary>Regular expression: pattern and options.</summary>
    RegularExpression = 0x0B,

    /// <summary>DBPointer (deprecated).</summary>
    DBPointer = 0x0C,

    /// <summary>JavaScript code.</summary>
    JavaScript = 0x0D,

    /// <summary>Symbol (deprecated).</summary>
    Symbol = 0x0E,

    /// <summary>JavaScript code with scope (deprecated).</summary>
    JavaScriptWithScope = 0x0F,

    /// <summary>32-bit integer.</summary>
    Int32 = 0x10,

    /// <summary>MongoDB internal timestamp.</summary>
    Timestamp = 0x11,

    /// <summary>64-bit integer.</summary>
    Int64 = 0x12,

    /// <summary>128-bit IEEE 754-2008 decimal.</summary>
    Decimal128 = 0x13,

    /// <summary>Min key.</summary>
    MinKey = 0xFF,

    /// <summary>Max key.</summary>
    MaxKey = 0x7F,
}

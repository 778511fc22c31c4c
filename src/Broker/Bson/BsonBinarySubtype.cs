namespace Broker.Bson;

/// <summary>The subtype byte of a BSON binary element.</summary>
public enum BsonBinarySubtype : byte
{
    /// <summary>Generic binary data, such as a <c>byte[]</c>.</summary>
    Generic = 0x00,

    /// <summary>Function.</summary>
    Function = 0x01,

    /// <summary>Old binary (deprecated): the data carries its own length prefix.</summary>
    OldBinary = 0x02,

    /// <summary>UUID in a driver-specific legacy byte order (deprecated).</summary>
    UuidLegacy = 0x03,

    /// <summary>UUID in the standard (RFC 4122, big-endian) byte order; how <see cref="System.Guid"/> travels.</summary>
    Uuid = 0x04,

    /// <summary>MD5 hash.</summary>
    Md5 = 0x05,

    /// <summary>Encrypted BSON value.</summary>
    Encrypted = 0x06,

    /// <summary>Compressed time-series column.</summary>
    Column = 0x07,

    /// <summary>Sensitive data.</summary>
    Sensitive = 0x08,

    /// <summary>Vector.</summary>
    Vector = 0x09,

    /// <summary>The first user-defined subtype.</summary>
    UserDefined = 0x80,
}

namespace Broker.Bson;

/// <summary>Bytes that are not valid BSON for the type being read. Names the offset and the reason.</summary>
public sealed class BsonFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="offset">Where in the document the problem is.</param>
    /// <param name="reason">What is wrong.</param>
    public BsonFormatException(int offset, string reason)
        : base($"Invalid BSON at offset {offset}: {reason}")
    {
        Offset = offset;
        Reason = reason;
    }

    /// <summary>Where in the document the problem is.</summary>
    public int Offset { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }

    /// <summary>The error for a document that lacks an element its type cannot do without.</summary>
    /// <param name="documentStart">The offset of the document (<see cref="BsonReaderScope.Start"/>).</param>
    /// <param name="elementName">The BSON element name, such as <c>Username</c> or <c>_id</c>.</param>
    /// <param name="typeName">The type being read, such as <c>Sample.User</c>.</param>
    /// <returns>The exception, to throw.</returns>
    public static BsonFormatException MissingElement(int documentStart, string elementName, string typeName) =>
        new(documentStart, $"the document has no '{elementName}' element, which {typeName} requires.");
}

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
}

namespace Broker.Bson;

/// <summary>
/// The token <see cref="BsonReader.ReadStartDocument"/> and <see cref="BsonReader.ReadStartArray"/> return and the
/// matching end takes back: where the document started, and where the enclosing one ends.
/// </summary>
public readonly struct BsonReaderScope
{
    internal BsonReaderScope(int start, int outerEnd)
    {
        Start = start;
        OuterEnd = outerEnd;
    }

    /// <summary>The offset of the document's length prefix; error messages about the whole document point here.</summary>
    public int Start { get; }

    internal int OuterEnd { get; }
}

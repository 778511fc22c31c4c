namespace Broker.Bson;

/// <summary>PLACEHOLDER: replaced by the real reader.</summary>
public ref struct BsonReader
{
    private readonly ReadOnlySpan<byte> _bson;

    /// <summary>Creates a reader over one BSON document.</summary>
    /// <param name="bson">The bytes.</param>
    public BsonReader(ReadOnlySpan<byte> bson) => _bson = bson;
}

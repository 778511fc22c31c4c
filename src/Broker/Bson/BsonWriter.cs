using System.Buffers;

namespace Broker.Bson;

/// <summary>PLACEHOLDER: replaced by the real writer.</summary>
public ref struct BsonWriter
{
    private readonly IBufferWriter<byte> _output;

    /// <summary>Creates a writer over <paramref name="output"/>.</summary>
    /// <param name="output">Where the bytes go.</param>
    public BsonWriter(IBufferWriter<byte> output) => _output = output;

    /// <summary>Commits everything written to the output.</summary>
    public void Flush() => throw new NotImplementedException();
}

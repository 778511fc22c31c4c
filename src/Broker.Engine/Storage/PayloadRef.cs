namespace Broker.Engine.Storage;

/// <summary>
/// Where a store keeps a message's payload. The engine holds it for every stored message and hands it back to
/// <see cref="IQueueStore.ReadPayload"/> when it dispatches, so a store may keep payloads out of memory (a position in
/// a log file) while the engine keeps only what dispatch needs. It holds no object reference, so the engine can keep
/// millions of them in arrays the garbage collector never traces.
/// </summary>
/// <param name="Position">A store-defined position: a key in a memory store, a segment and offset in a log.</param>
/// <param name="Length">The stored bytes' length: the message's headers (if any) followed by its payload.</param>
/// <param name="HeadersLength">How many of the stored bytes, at their start, are the headers; 0 for none.</param>
public readonly record struct PayloadRef(long Position, int Length, int HeadersLength = 0)
{
    /// <summary>Splits bytes read from here into the message's headers and its payload.</summary>
    /// <param name="stored">What <see cref="IQueueStore.ReadPayload"/> returned for this reference.</param>
    /// <param name="headers">The headers' BSON document, or empty.</param>
    /// <returns>The payload.</returns>
    public ReadOnlyMemory<byte> Split(ReadOnlyMemory<byte> stored, out ReadOnlyMemory<byte> headers)
    {
        headers = stored[..HeadersLength];
        return stored[HeadersLength..];
    }
}

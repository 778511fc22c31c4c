namespace Broker.Engine.Storage;

/// <summary>
/// Where a store keeps a message's payload. The engine holds it for every stored message and hands it back to
/// <see cref="IQueueStore.ReadPayload"/> when it dispatches, so a store may keep payloads out of memory (a position in
/// a log file) while the engine keeps only what dispatch needs. It holds no object reference, so the engine can keep
/// millions of them in arrays the garbage collector never traces.
/// </summary>
/// <param name="Position">A store-defined position: a key in a memory store, a segment and offset in a log.</param>
/// <param name="Length">The payload's length in bytes.</param>
public readonly record struct PayloadRef(long Position, int Length);

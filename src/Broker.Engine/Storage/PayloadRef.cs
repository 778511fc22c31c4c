namespace Broker.Engine.Storage;

/// <summary>
/// Where a store keeps a message's payload. The engine holds it for every stored message and hands it back to
/// <see cref="IQueueStore.ReadPayload"/> when it dispatches, so a store may keep payloads out of memory (a position in
/// a log file) while the engine keeps only what dispatch needs.
/// </summary>
/// <param name="Handle">A store-defined object: the bytes themselves for a memory store, a segment for a log.</param>
/// <param name="Position">A store-defined position, such as an offset in a segment file.</param>
/// <param name="Length">The payload's length in bytes.</param>
public readonly record struct PayloadRef(object? Handle, long Position, int Length);

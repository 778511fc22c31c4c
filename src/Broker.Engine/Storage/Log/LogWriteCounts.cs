namespace Broker.Engine.Storage.Log;

/// <summary>What a <see cref="LogQueueStore"/> has written since it was opened (<see cref="LogQueueStore.WriteCounts"/>).</summary>
/// <param name="Batches">Writes: each one batch of records, one group commit.</param>
/// <param name="Syncs">Syncs (fdatasync) of the log.</param>
/// <param name="Bytes">Bytes written to segments.</param>
public readonly record struct LogWriteCounts(long Batches, long Syncs, long Bytes);

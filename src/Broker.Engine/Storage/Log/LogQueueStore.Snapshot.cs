using Broker.Management;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    // How often a snapshot starts again because compaction deleted a segment between reading the manifest and opening
    // the files; each time the holder's manifest changed, so a log that keeps changing this fast is rare and is reported.
    private const int SnapshotAttempts = 10;

    // Null for a store that owns its directory; for a snapshot, why it is read-only (the holder, what to do instead).
    private readonly string? _readOnlyReason;

    /// <summary>
    /// Whether this is a read-only snapshot of a directory another process holds (<see cref="OpenSnapshot"/>): it
    /// replays what the files hold, reads payloads, and refuses every write.
    /// </summary>
    public bool IsReadOnly => _readOnlyReason is not null;

    /// <summary>
    /// Opens a read-only snapshot of the log in <paramref name="directory"/> while another process holds it: the same
    /// checks and replay as <see cref="Open(string, LogStoreOptions?, TimeProvider?, ILogger?)"/>, without taking the
    /// lock and without writing, truncating, renaming, deleting or creating anything. A record the holder is writing at
    /// this instant (or a torn tail it will cut off at its next open) is the end of the snapshot; damage before it is
    /// reported as the normal open reports it, and the loss is never accepted. The files are opened for reading only and
    /// kept open, so a segment the holder's compaction deletes later stays readable; one deleted between reading the
    /// manifest and opening the files makes the snapshot start again. Every write throws
    /// <see cref="ManagementReadOnlyException"/> with <paramref name="reason"/>.
    /// </summary>
    /// <param name="directory">The data directory; it must exist.</param>
    /// <param name="reason">Why the snapshot is read-only, for people (the holder, what to do instead).</param>
    /// <param name="logger">Where what the snapshot found is logged; null for none.</param>
    /// <returns>The snapshot; <see cref="RecoverAsync"/> replays it into an engine.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="LogCorruptedException">A file is damaged, or acknowledged data is missing (a <see cref="LogDataLossException"/>).</exception>
    /// <exception cref="IOException">Compaction kept deleting segments while the snapshot was read; try again.</exception>
    internal static LogQueueStore OpenSnapshot(string directory, string reason, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        directory = Path.GetFullPath(directory);
        var fs = ReadOnlyLogFileSystem.Instance;
        if (!fs.DirectoryExists(directory))
            throw new DirectoryNotFoundException($"The broker data directory '{directory}' does not exist.");
        // Never preallocating (so an empty newest file is a segment being created, not one cut short) and never
        // accepting a loss (which would move files aside).
        var options = new LogStoreOptions { PreallocateSegments = false, AcceptDataLoss = false };
        for (var attempt = 1; ; attempt++)
        {
            var store = new LogQueueStore(directory, fs, options, TimeProvider.System, logger ?? NullLogger.Instance, NoLock.Instance, reason);
            try
            {
                store.CheckSegments();
                return store;
            }
            catch (Exception ex) when (ex is LogCorruptedException or FileNotFoundException && store.ManifestMoved())
            {
                // The holder's compaction deleted a segment after the manifest was read: what looked missing is gone by
                // design, and its live messages are in a newer segment. Read again from the new manifest.
                store.CloseFiles();
                store._metrics.Dispose();
                LogSnapshotRetried(store._logger, directory, ex.Message);
                if (attempt == SnapshotAttempts)
                {
                    throw new IOException(
                        $"The log in '{directory}' changed under the snapshot {SnapshotAttempts} times (its holder's compaction deleted segments while they were read). Try again.", ex);
                }
            }
            catch
            {
                store.CloseFiles();
                store._metrics.Dispose();
                throw;
            }
        }
    }

    /// <summary>Whether the manifest on disk is a newer generation than the one this snapshot started from.</summary>
    private bool ManifestMoved()
    {
        try
        {
            var now = LogManifest.Read(_fs, Directory);
            return now is not null && now.Generation != (_manifest?.Generation ?? 0);
        }
        catch (IOException)
        {
            // Unreadable now: report what the snapshot found.
            return false;
        }
    }

    /// <summary>Refuses a write to a snapshot, saying why it is read-only.</summary>
    private void ThrowIfReadOnly()
    {
        if (_readOnlyReason is { } reason)
            throw new ManagementReadOnlyException(reason);
    }

    /// <summary>
    /// Decides what a bad record in the newest segment of a snapshot is. Without an intact write after it, it is the
    /// write the holder is making now (or a torn tail it cuts off at its next open): the end of the snapshot. With one,
    /// the holder may still have been writing it when it was read (a write becomes visible piece by piece, and a read
    /// of a whole block can see a later page written and an earlier one not yet): it is read again from there, and
    /// since the later write was seen first, the bad record was complete before this second read began.
    /// </summary>
    /// <returns>
    /// <see cref="SnapshotTail.ReadOn"/> when the record now reads whole (reading goes on with <paramref name="reader"/>);
    /// <see cref="SnapshotTail.End"/> for the end of the snapshot; <see cref="SnapshotTail.Damaged"/> when it is still bad.
    /// </returns>
    private static SnapshotTail RereadAfterRace(ILogFile file, ref SegmentReader reader, ref long length)
    {
        var at = reader.Offset;
        // Decided once: a later look could see a write that began after this one and call the tail damage.
        if (reader.FindBatchStartAfter(at) < 0)
            return SnapshotTail.End;
        var current = Math.Max(length, file.Length);
        if (!new SegmentReader(file, current, at).Next(out _))
            return SnapshotTail.Damaged;
        length = current;
        reader = new SegmentReader(file, current, at);
        return SnapshotTail.ReadOn;
    }

    /// <summary>What a bad record in the newest segment of a snapshot turned out to be.</summary>
    private enum SnapshotTail
    {
        ReadOn,
        End,
        Damaged,
    }

    /// <summary>The lock of a snapshot: none (the holder has it).</summary>
    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }
}

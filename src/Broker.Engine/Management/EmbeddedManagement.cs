using System.Globalization;
using Broker.Engine.Storage.Log;
using Broker.Management;
using Microsoft.Extensions.Logging;

namespace Broker.Engine.Management;

/// <summary>
/// Opens an embedded broker's data directory for a tool (the <c>broker</c> command line, a test): the management API
/// over it, with a lifetime of its own.
/// </summary>
public static class EmbeddedManagement
{
    /// <summary>
    /// Opens the data directory in <paramref name="directory"/>. When no process holds it, it is opened as the embedded
    /// broker opens it, and held until the connection is disposed: an application that starts meanwhile is refused with
    /// the usual error naming this process. When another process holds it, the connection is a read-only snapshot of
    /// what its files hold at this instant, read without taking its lock and without writing anything: channels,
    /// dead letters and messages can be read, <see cref="BrokerStatus.ReadOnly"/> is true and says who holds it, and
    /// re-driving, deleting or purging throws <see cref="ManagementReadOnlyException"/>. Nothing is ever created: not
    /// the directory, not a new log in it.
    /// </summary>
    /// <param name="directory">The data directory; relative paths are resolved against the current directory.</param>
    /// <param name="loggerFactory">Where the log and the engine report what they find (a torn tail, a recovery); null for nowhere.</param>
    /// <param name="cancellationToken">Cancels waiting for the directory to be read; the reading may go on in the background until it ends.</param>
    /// <returns>The management API; dispose it to close the directory.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="NotADataDirectoryException">It holds no log (no MANIFEST and no segment files).</exception>
    /// <exception cref="LogCorruptedException">A file of the log is damaged or is not a log file; the message names it and what is wrong.</exception>
    /// <exception cref="IOException">The directory cannot be read, or (for a snapshot) the holder's compaction kept deleting segments while they were read.</exception>
    public static async Task<IBrokerManagementConnection> OpenAsync(string directory, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var fullPath = Path.GetFullPath(directory);
        var logLogger = loggerFactory?.CreateLogger("Broker.Engine.Log");
        // Files are read on the thread pool: a large log takes a while to check and replay.
        var (store, readOnlyReason) = await Task.Run(() => OpenStore(fullPath, logLogger), cancellationToken).ConfigureAwait(false);
        var engine = new QueueEngine(store, timeProvider: TimeProvider.System, logger: loggerFactory?.CreateLogger("Broker.Engine"), ownsStore: true);
        try
        {
            await engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new EmbeddedManagementConnection(engine, new EngineManagement(engine, BrokerKind.Embedded, fullPath, store.ReadStatus), readOnlyReason);
    }

    private static (LogQueueStore Store, string? ReadOnlyReason) OpenStore(string fullPath, ILogger? logger)
    {
        LogDirectory.Check(fullPath);
        try
        {
            return (LogQueueStore.Open(fullPath, ToolOptions(), TimeProvider.System, logger), null);
        }
        catch (IOException held) when (held.Data[OsLogFileSystem.HolderKey] is string holder)
        {
            var reason = ReadOnlyReason(fullPath, holder, DateTimeOffset.UtcNow);
            return (LogQueueStore.OpenSnapshot(fullPath, reason, logger), reason);
        }
    }

    /// <summary>
    /// The log settings of a tool that holds the directory: the defaults, except that no segment is created ahead of
    /// time (a tool that re-drives one message must not write a whole segment of zeros; the log takes either kind).
    /// </summary>
    private static LogStoreOptions ToolOptions() => new() { PreallocateSegments = false };

    /// <summary>Why a snapshot is read-only and what to do instead, for <see cref="BrokerStatus.ReadOnlyReason"/> and <see cref="ManagementReadOnlyException"/>.</summary>
    internal static string ReadOnlyReason(string directory, string holder, DateTimeOffset takenAt) =>
        string.Create(CultureInfo.InvariantCulture,
            $"The broker data directory '{directory}' is in use by {holder}, so this is a read-only snapshot of it taken at {takenAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z. ") +
        "To change anything, stop it, or manage the broker through its server with --server.";
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Engine.Storage.Log;

/// <summary>
/// The durable store of the embedded and server modes: an append-only log of segment files in one directory. Every
/// record has a length, a type, a CRC-32C and its body; one writer thread writes what all producers and consumers
/// queued since its last write and syncs once for all of them (group commit), then completes every waiting call. Opening
/// a directory checks it against its manifest and checks every segment: a torn last record is cut off and logged; a
/// segment missing, cut short or damaged before its tail stops the open naming what is lost (or, when the operator
/// accepts the loss, is logged and moved aside, and ids skip past it). A failed write is rolled back; a full disk
/// refuses new messages and keeps room for completions. Compaction deletes the oldest segment once nothing in it is
/// needed, or rewrites it when little is. Only positions stay in memory: payloads are read back from disk when
/// dispatched.
/// </summary>
/// <remarks>A lock file keeps a second process (or a second store in this one) out of the directory.</remarks>
public sealed partial class LogQueueStore : IQueueStore, IDisposable
{
    /// <summary>
    /// The largest record the log reads back, 256 MiB: a message is stored as one record (its payload and its fields),
    /// so a host that accepts messages of its own size limit keeps that limit below this.
    /// </summary>
    public const int MaxRecordBytes = SegmentReader.MaxRecordBytes;

    internal const string SegmentSuffix = ".seg";
    internal const string SpareName = "spare.tmp";

    private readonly ILogFileSystem _fs;
    private readonly LogStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IDisposable _directoryLock;
    private readonly Lock _gate = new();
    private readonly LogMetrics _metrics;
    private int _disposed;

    private LogQueueStore(string directory, ILogFileSystem fs, LogStoreOptions options, TimeProvider time, ILogger logger, IDisposable directoryLock, string? readOnlyReason = null)
    {
        _readOnlyReason = readOnlyReason;
        Directory = directory;
        _fs = fs;
        _options = options;
        _time = time;
        _logger = logger;
        _directoryLock = directoryLock;
        _open = new WriteBatch();
        _spareBatch = new WriteBatch();
        _metrics = new LogMetrics(MeasureSize);
    }

    /// <summary>The data directory.</summary>
    public string Directory { get; }

    /// <summary>The meter of this log's instruments; disposed with the store.</summary>
    internal System.Diagnostics.Metrics.Meter Meter => _metrics.Meter;

    /// <summary>The settings in force.</summary>
    public DurabilityMode Durability => _options.Durability;

    /// <summary>The segment files in use, oldest first (for tests, tools and the data directory's size).</summary>
    public IReadOnlyList<string> SegmentFiles
    {
        get
        {
            lock (_gate)
                return [.. _segments.Select(s => s.Path)];
        }
    }

    /// <summary>
    /// Opens (creating if needed) the log in <paramref name="directory"/>: takes the directory's lock and checks every
    /// segment. The records are replayed by <see cref="RecoverAsync"/>, which the engine calls before its first operation.
    /// </summary>
    /// <param name="directory">The data directory.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="timeProvider">The clock for dedup expiry during compaction; the engine's clock. Null for the system clock.</param>
    /// <param name="logger">Where recovery, truncation and compaction are reported; null for none.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="IOException">Another process (or store) holds the directory.</exception>
    /// <exception cref="LogCorruptedException">A segment is damaged before its tail.</exception>
    public static LogQueueStore Open(string directory, LogStoreOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null) =>
        Open(directory, OsLogFileSystem.Instance, options, timeProvider, logger);

    internal static LogQueueStore Open(string directory, ILogFileSystem fs, LogStoreOptions? options, TimeProvider? timeProvider, ILogger? logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options = (options ?? new LogStoreOptions()).Clone();
        options.Validate();
        directory = Path.GetFullPath(directory);
        fs.CreateDirectory(directory);
        var directoryLock = fs.Lock(directory);
        LogQueueStore? store = null;
        try
        {
            store = new LogQueueStore(directory, fs, options, timeProvider ?? TimeProvider.System, logger ?? NullLogger.Instance, directoryLock);
            store.CheckSegments();
            return store;
        }
        catch
        {
            if (store is not null)
            {
                store.CloseFiles();
                store._metrics.Dispose();
            }
            directoryLock.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask RecoverAsync(IStoreReplayTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Replay(target, cancellationToken);
        // A snapshot has no writer and no compaction: it changes nothing in a directory another process holds.
        if (IsReadOnly)
            return ValueTask.CompletedTask;
        StartWriter();
        PrepareHead();
        StartCompaction();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Makes the log writable the moment recovery ends: a head segment whose start records are on disk, and the next
    /// segment prepared. A log that needs a new segment (a new directory, or after an accepted loss, so the ids it
    /// skipped are on disk at once) fails the open here, naming SegmentBytes, when the disk has no room for it and the
    /// next one, instead of failing the first produce. A log that has its head opens on a full disk too, refusing new
    /// messages until there is room, so its consumers can still drain it.
    /// </summary>
    private void PrepareHead()
    {
        bool newSegment;
        lock (_gate)
            newSegment = _head is null || _idSkip > 0;
        if (newSegment)
            CheckRoomAtOpen(needsSegment: true);
        if (_options.PreallocateSegments)
        {
            // Prepared on this thread: recovery runs on the thread pool already, and must not wait for another pool
            // thread to do it.
            var spare = PrepareSpareNow();
            if (newSegment)
                AwaitRoom(spare);
            else
                AwaitRoomOrOpenFull(spare);
        }
        Task? written = null;
        lock (_gate)
        {
            if (newSegment)
            {
                Roll();
                written = _open.Done.Task;
            }
            else if (_head!.End == 0)
            {
                // The newest file is empty (a crash right after it was created): it gets its start records now.
                WriteSegmentHeaderLocked(_options.PreallocateSegments ? _head.File!.Length : 0);
                written = _open.Done.Task;
            }
        }
        if (written is null)
            return;
        written.GetAwaiter().GetResult();
        if (_options.PreallocateSegments)
        {
            Task<ILogFile>? next;
            lock (_gate)
                next = _spare;
            if (next is not null)
                AwaitRoom(next);
        }
    }

    /// <summary>Waits for the next segment at open; without room for it the log opens refusing new messages (it says so).</summary>
    private void AwaitRoomOrOpenFull(Task<ILogFile> spare)
    {
        lock (_gate)
            _spare ??= spare;
        try
        {
            spare.GetAwaiter().GetResult();
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            // SpaceLost logged it; compaction tries again on every pass.
        }
    }

    /// <summary>Waits for a spare segment at open; a disk without room for it fails the open with a message naming SegmentBytes.</summary>
    private void AwaitRoom(Task<ILogFile> spare)
    {
        lock (_gate)
            _spare ??= spare;
        try
        {
            spare.GetAwaiter().GetResult();
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            throw new StoreFullException(
                $"The disk of '{Directory}' has no room for a segment of {_options.SegmentBytes} bytes (SegmentBytes): {ex.Message}. Free space, or use smaller segments.", ex);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes and syncs what is queued, stops the writer and compaction, closes the files and releases the lock.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        StopCompaction();
        StopWriter();
        CloseFiles();
        // After the writer stopped: it records into these until its last write.
        _metrics.Dispose();
        _directoryLock.Dispose();
    }

    /// <summary>Bytes of records in the segments in use, and how many there are (for the <c>broker.log.size</c> gauges).</summary>
    private (long Bytes, int Segments) MeasureSize()
    {
        lock (_gate)
        {
            long bytes = 0;
            foreach (var segment in _segments)
                bytes += segment.End;
            return (bytes, _segments.Count);
        }
    }

    private void CloseFiles()
    {
        lock (_gate)
        {
            foreach (var segment in _segments)
                segment.File?.Dispose();
            foreach (var segment in _retired)
                segment.File?.Dispose();
            _retired.Clear();
        }
        // The spare may still be being zeroed: wait for it, so nothing of this store runs on after it is closed.
        try
        {
            _spare?.GetAwaiter().GetResult().Dispose();
        }
        catch (IOException)
        {
            // A spare that could not be made is of no use now.
        }
        _spare = null;
        _target = null;
    }
}

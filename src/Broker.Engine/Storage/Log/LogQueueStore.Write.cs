using System.Diagnostics;

namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    private readonly SemaphoreSlim _wake = new(0);

    // Guarded by _gate.
    private readonly List<Segment> _segments = [];
    private readonly List<Segment> _retired = [];
    private volatile Dictionary<long, Segment> _bySequence = [];
    private WriteBatch _open;
    private WriteBatch? _spareBatch;
    private Segment? _head;
    private long _lastSequence;
    private bool _signalled;
    private bool _stopping;
    private Exception? _failure;
    private bool _recovered;

    // The durations of the latest syncs (Stopwatch ticks), for the throughput harness and diagnostics.
    private readonly long[] _syncTicks = new long[4096];
    private long _syncs;
    private long _batches;
    private long _batchBytes;

    // The next segment's file, zero-filled ahead of time; faulted when the disk had no room for it. Guarded by _gate.
    private Task<ILogFile>? _spare;

    // Writer thread only.
    private Thread? _writer;
    private Segment? _active;

    /// <summary>
    /// Reserves room for a record of <paramref name="size"/> bytes in the batch being filled, starting a new segment when
    /// the head is full. Under <see cref="_gate"/>; the span is valid until the next reservation.
    /// </summary>
    /// <param name="size">The record's size, header included.</param>
    /// <param name="position">Where the record goes (segment and offset).</param>
    /// <param name="batchStart">Whether the record begins a write.</param>
    /// <param name="keepRoom">
    /// A record that adds state (a new message, a copy compaction makes, a channel's name or declared policy): the head
    /// counts as full <see cref="ReservedBytes"/> earlier, so every segment keeps room for completions, retries and dead
    /// letters even when the disk has none for the next segment.
    /// </param>
    private Span<byte> Reserve(int size, out long position, out bool batchStart, bool keepRoom = false)
    {
        if (_failure is { } failure)
            throw new IOException("The log stopped accepting writes after a write or fsync failed; reopen it (restart the process) to recover from what is on disk.", failure);
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (!_recovered)
            throw new InvalidOperationException("The log must be recovered (RecoverAsync) before it is written.");
        // Room is kept for the record that ends a full segment; a record larger than a segment gets one to itself.
        if (_head is null || (_head.End > _head.HeaderEnd && _head.End + size + SegmentEndBytes + (keepRoom ? ReservedBytes : 0) > SegmentCapacity(_head)))
        {
            EnsureRoomForSegment();
            Roll();
        }
        else if (_head.End == 0)
        {
            // A head whose start records went with a failed write gets them again first.
            WriteSegmentHeaderLocked(_options.PreallocateSegments ? _options.SegmentBytes : 0);
        }
        return ReserveInHead(size, out position, out batchStart);
    }

    private Span<byte> ReserveInHead(int size, out long position, out bool batchStart)
    {
        var head = _head!;
        var batch = _open;
        if (batch.Runs.Count == 0 || batch.Runs[^1].Segment != head)
            batch.Runs.Add(new WriteBatch.Run(head, head.End, batch.Length));
        // The first record of each run marks where a write (and, in Fsync mode, its sync) began.
        batchStart = batch.Runs[^1].Length == 0;
        position = Segment.PositionOf(head.Sequence, head.End);
        head.End += size;
        var span = batch.Grow(size);
        if (!_signalled)
        {
            _signalled = true;
            _wake.Release();
        }
        return span;
    }

    /// <summary>
    /// How many bytes <paramref name="segment"/> takes before the log moves on: the configured size, or four times its
    /// header when the channels it names take more than a quarter of that (a log reopened with smaller segments than
    /// its channels need), so a segment never holds its header and one record.
    /// </summary>
    private long SegmentCapacity(Segment segment) => Math.Max(_options.SegmentBytes, 4 * segment.HeaderEnd);

    /// <summary>
    /// Ends the head with a record naming the next segment, and starts that segment with its start record, the id floor
    /// and every channel the log holds. The writer creates its file when it first writes there.
    /// </summary>
    private void Roll()
    {
        var sequence = ++_lastSequence;
        if (_head is not null)
        {
            var end = ReserveInHead(LogRecord.HeaderSize + 8, out _, out var endsBatch);
            new BodyWriter(end[LogRecord.HeaderSize..]).I64(sequence);
            LogRecord.Seal(end, LogRecordType.SegmentEnd, endsBatch);
        }
        var segment = new Segment(sequence, Path.Combine(Directory, Segment.FileName(sequence)));
        _segments.Add(segment);
        PublishSegments();
        _head = segment;
        WriteSegmentHeaderLocked(_options.PreallocateSegments ? _options.SegmentBytes : 0);
    }

    /// <summary>Writes the records every segment starts with into the head (which has none yet).</summary>
    private void WriteSegmentHeaderLocked(long preallocatedLength)
    {
        var head = _head!;
        var start = ReserveInHead(LogRecord.HeaderSize + 16, out _, out var batchStart);
        var body = new BodyWriter(start[LogRecord.HeaderSize..]);
        body.I64(head.Sequence);
        body.I64(preallocatedLength);
        LogRecord.Seal(start, LogRecordType.SegmentStart, batchStart);
        WriteChannelHeaderLocked();
        head.HeaderEnd = head.End;
    }

    private void PublishSegments() => _bySequence = _segments.ToDictionary(s => s.Sequence);

    private void StartWriter()
    {
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "Broker log writer" };
        _writer.Start();
    }

    private void StopWriter()
    {
        lock (_gate)
        {
            _stopping = true;
            if (!_signalled)
            {
                _signalled = true;
                _wake.Release();
            }
        }
        _writer?.Join();
    }

    private void WriteLoop()
    {
        while (true)
        {
            _wake.Wait();
            WriteBatch batch;
            bool stopping;
            lock (_gate)
            {
                _signalled = false;
                stopping = _stopping;
                batch = _open;
                if (!batch.IsEmpty)
                {
                    _open = _spareBatch ?? new WriteBatch();
                    _spareBatch = null;
                }
            }
            if (!batch.IsEmpty)
            {
                Write(batch);
                batch.Reset();
                lock (_gate)
                    _spareBatch ??= batch;
            }
            if (stopping)
            {
                SyncActive();
                return;
            }
        }
    }

    private void Write(WriteBatch batch)
    {
        try
        {
            if (_failure is not null)
                throw new IOException("An earlier write failed.", _failure);
            foreach (var run in batch.Runs)
            {
                Activate(run.Segment);
                run.Segment.File!.Write(batch.Buffer.AsSpan(run.Start, run.Length), run.FileOffset);
            }
            if (_options.Durability == DurabilityMode.Fsync)
            {
                var started = Stopwatch.GetTimestamp();
                _active!.File!.Sync();
                var elapsed = Stopwatch.GetTimestamp() - started;
                var syncs = Interlocked.Increment(ref _syncs);
                Volatile.Write(ref _syncTicks[(syncs - 1) & (_syncTicks.Length - 1)], elapsed);
                _metrics.Synced(elapsed);
            }
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _batchBytes, batch.Length);
            _metrics.Written(batch.Records, batch.Length);
            foreach (var run in batch.Runs)
                run.Segment.Durable = run.FileOffset + run.Length;
            if (batch.Finished.Count > 0)
            {
                lock (_gate)
                {
                    foreach (var payload in batch.Finished)
                        Finished(payload);
                }
            }
            ThreadPool.UnsafeQueueUserWorkItem(static done => done.TrySetResult(), batch.Done, preferLocal: false);
        }
        catch (Exception ex)
        {
            Failed(batch, ex);
        }
    }

    /// <summary>Makes <paramref name="segment"/> the file the writer writes to, creating it from the spare when new.</summary>
    private void Activate(Segment segment)
    {
        if (ReferenceEquals(_active, segment))
            return;
        // A segment is synced before the next one is written, in both modes: a batch that spans two segments is then
        // durable in both once the second is synced, and damage in a sealed segment is never a torn write.
        _active?.File!.Sync();
        if (segment.File is null)
        {
            ILogFile file;
            if (_options.PreallocateSegments)
            {
                Task<ILogFile> spare;
                lock (_gate)
                    spare = _spare ??= PrepareSpareAsync();
                file = spare.GetAwaiter().GetResult();
                try
                {
                    _fs.Rename(Path.Combine(Directory, SpareName), segment.Path);
                }
                catch (FileNotFoundException)
                {
                    // Someone deleted the spare (a cleanup of *.tmp files, say): make the segment in place instead.
                    file.Dispose();
                    file = PrepareFile(segment.Path);
                    LogSpareVanished(segment.Path);
                }
                catch
                {
                    file.Dispose();
                    lock (_gate)
                        _spare = null;
                    throw;
                }
                lock (_gate)
                    _spare = PrepareSpareAsync();
            }
            else
            {
                file = _fs.Open(segment.Path, create: true);
            }
            try
            {
                _fs.SyncDirectory(Directory);
                // Recorded before anything is written there: from now on a missing file is noticed at the next open.
                UpdateManifest(oldest: null, segment.Sequence);
            }
            catch
            {
                file.Dispose();
                _fs.Delete(segment.Path);
                throw;
            }
            segment.File = file;
        }
        _active = segment;
    }

    private void SyncActive()
    {
        try
        {
            _active?.File?.Sync();
        }
        catch (IOException ex)
        {
            LogWriteFailed(ex);
        }
    }

    /// <summary>Creates the next segment ahead of time, full size and zeroed, in the background.</summary>
    private Task<ILogFile> PrepareSpareAsync() => Task.Run(PrepareSpare);

    /// <summary>Prepares the next segment on the calling thread; the task holds its outcome.</summary>
    private Task<ILogFile> PrepareSpareNow()
    {
        try
        {
            return Task.FromResult(PrepareSpare());
        }
        catch (Exception ex)
        {
            return Task.FromException<ILogFile>(ex);
        }
    }

    /// <summary>
    /// Creates the next segment file, full size and zeroed. On failure (a full disk) the partial file is deleted, so it
    /// holds no space, and the failure is what <see cref="EnsureRoomForSegment"/> reports until a retry succeeds.
    /// </summary>
    private ILogFile PrepareSpare() => PrepareFile(Path.Combine(Directory, SpareName));

    /// <summary>Creates <paramref name="path"/> at the segment size, zeroed and synced; on failure deletes what it made.</summary>
    private ILogFile PrepareFile(string path)
    {
        ILogFile? file = null;
        try
        {
            file = _fs.Open(path, create: true);
            file.SetLength(0);
            var zeros = new byte[1024 * 1024];
            for (long offset = 0; offset < _options.SegmentBytes; offset += zeros.Length)
                file.Write(zeros.AsSpan(0, (int)Math.Min(zeros.Length, _options.SegmentBytes - offset)), offset);
            file.Sync();
            return file;
        }
        catch (Exception ex)
        {
            file?.Dispose();
            try
            {
                _fs.Delete(path);
            }
            catch (IOException)
            {
                // Deleted at the next open at the latest.
            }
            SpaceLost(ex);
            throw;
        }
    }

    /// <summary>
    /// Writes so far (each one batch of records: one group commit), syncs so far, and bytes written, since the store was
    /// opened: how well group commit batches (messages per sync) under a given load.
    /// </summary>
    public LogWriteCounts WriteCounts => new(Volatile.Read(ref _batches), Volatile.Read(ref _syncs), Volatile.Read(ref _batchBytes));

    /// <summary>How long the latest syncs took, in microseconds: up to the last 4096, in no particular order (for percentiles).</summary>
    /// <returns>A copy of the durations.</returns>
    public double[] RecentSyncMicroseconds()
    {
        var count = (int)Math.Min(Volatile.Read(ref _syncs), _syncTicks.Length);
        return [.. _syncTicks.Take(count).Select(t => t * 1_000_000.0 / Stopwatch.Frequency)];
    }

}

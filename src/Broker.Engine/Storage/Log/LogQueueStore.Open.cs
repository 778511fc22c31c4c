namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    private const string CorruptSuffix = ".corrupt";

    // The fewest bytes a message record takes (frame, fixed fields, a 5-byte document): bounds the ids a lost stretch of
    // log can have handed out.
    private const long MinMessageRecordBytes = LogRecord.HeaderSize + MessageFixedBody + 5;

    // When nothing bounds how far ids went (the manifest itself is gone), ids skip this far: far more than any log
    // holds, far less than a long runs out at.
    private const long UnboundedIdSkip = 1L << 40;

    private readonly Lock _manifestGate = new();
    private LogManifest? _manifest;

    // Accepted at open (AcceptDataLoss): every id is moved up by this much at replay, for losses that may have held ids
    // above every id the remaining log knows.
    private long _idSkip;

    // The largest size a segment of this log was ever created with (kept in the manifest): a lost segment can have held
    // at most that many bytes of records, whatever SegmentBytes is now.
    private long _largestSegment;

    /// <summary>
    /// Opens every segment and checks the directory against its manifest before anything is replayed. A damaged record
    /// with no intact write after it, in the newest segment, is a torn tail (a crash mid-write, never acknowledged under
    /// Fsync): cut off and logged. Anything else that lost acknowledged data (a segment file missing, shorter than it
    /// was, or damaged before its tail) stops the open with a <see cref="LogDataLossException"/> naming the files and
    /// the ids they held, unless <see cref="LogStoreOptions.AcceptDataLoss"/> is set: then the loss is logged at error
    /// level, damaged files are moved aside, and ids are never handed out again.
    /// </summary>
    private void CheckSegments()
    {
        var spare = Path.Combine(Directory, SpareName);
        if (!IsReadOnly && _fs.FileExists(spare))
            _fs.Delete(spare);
        // The manifest before the files: for a snapshot the holder goes on creating and deleting segments, and it records
        // a deletion in the manifest before it deletes, and creates a file before it records it. Read in this order, a
        // file the manifest counts as deleted is one whose live messages are in files this listing has, a file missing
        // from the listing was deleted since (the manifest changed: read again), and a newer file is simply newer.
        var manifest = ReadManifest();
        var files = ListSequences(SegmentSuffix, Path.GetFileNameWithoutExtension);
        var quarantined = ListSequences(SegmentSuffix + CorruptSuffix, name => Path.GetFileNameWithoutExtension(Path.GetFileNameWithoutExtension(name)));
        // The next write goes to the other slot and a higher generation than what is on disk.
        _manifest = manifest;
        var losses = new List<(LogLossKind Kind, long Sequence, string What)>();
        long first, last, legacyThrough;
        if (manifest is null)
        {
            first = files.Count > 0 ? files.Keys.Min() : 1;
            last = files.Count > 0 ? files.Keys.Max() : 0;
            // Files without a start record come from a version without a manifest; once one has it, they all do.
            legacyThrough = last;
        }
        else
        {
            foreach (var (sequence, name) in files.Where(f => f.Key < manifest.First).ToList())
            {
                // Compaction records a deletion in the manifest before it deletes the file: a crash in between leaves this
                // (or, for a snapshot, the holder's compaction is deleting it right now).
                files.Remove(sequence);
                if (IsReadOnly)
                    continue;
                _fs.Delete(Path.Combine(Directory, name));
                LogLeftoverDeleted(name);
            }
            first = manifest.First;
            last = Math.Max(manifest.Last, files.Count > 0 ? files.Keys.Max() : 0);
            legacyThrough = manifest.LegacyThrough;
        }
        _lastSequence = Math.Max(last, quarantined.Count > 0 ? quarantined.Keys.Max() : 0);

        for (var sequence = first; sequence <= last; sequence++)
        {
            if (!files.ContainsKey(sequence) && !quarantined.ContainsKey(sequence) && manifest?.IsWaived(sequence) != true)
                losses.Add((LogLossKind.Missing, sequence, sequence == last ? "the newest segment the log created" : $"the log has segments {first} to {last}"));
        }

        var scans = new List<SegmentScan>();
        _largestSegment = Math.Max(_options.SegmentBytes, manifest?.LargestSegment ?? 0);
        try
        {
            foreach (var (sequence, name) in files.OrderBy(f => f.Key))
            {
                var scan = Scan(sequence, Path.Combine(Directory, name), newest: sequence == last, legacy: sequence <= legacyThrough);
                scans.Add(scan);
                _largestSegment = Math.Max(_largestSegment, Math.Max(scan.DeclaredLength, scan.File.Length));
                if (scan.Loss is { } loss && manifest?.IsWaived(sequence) != true)
                    losses.Add((loss.Kind, sequence, loss.What));
            }
            if (manifest is null && scans.Any(s => s.NewFormat))
                losses.Add((LogLossKind.Missing, 0, "the MANIFEST file, which says which segments the log had, is gone; whether the oldest or newest segments were deleted cannot be checked"));
            if (losses.Count > 0)
                AcceptOrRefuse(losses, scans);
        }
        catch
        {
            foreach (var scan in scans)
                scan.File.Dispose();
            throw;
        }

        foreach (var scan in scans.Where(s => !s.Quarantined))
        {
            var segment = scan.Segment;
            segment.File = scan.File;
            segment.End = scan.DataEnd;
            segment.Durable = scan.DataEnd;
            _segments.Add(segment);
        }
        PublishSegments();
        _head = _segments.Count > 0 && _segments[^1].Sequence == last ? _segments[^1] : null;
        var waived = losses.Select(l => l.Sequence).Where(s => s > 0);
        if (IsReadOnly)
            return;
        var state = new LogManifest(
            _segments.Count > 0 ? _segments[0].Sequence : _lastSequence + 1, _lastSequence, manifest?.LegacyThrough ?? legacyThrough, _largestSegment, manifest?.Waived ?? []);
        WriteManifest(state.Waive(waived.Concat(quarantined.Keys)));
    }

    /// <summary>Reads the manifest; a damaged one is rebuilt from the files when the operator accepts data loss.</summary>
    private LogManifest? ReadManifest()
    {
        try
        {
            return LogManifest.Read(_fs, Directory);
        }
        catch (LogCorruptedException ex) when (_options.AcceptDataLoss)
        {
            LogManifestRebuilt(ex.Message);
            return null;
        }
    }

    private void WriteManifest(LogManifest state)
    {
        lock (_manifestGate)
            _manifest = state.Write(_fs, Directory, _manifest);
    }

    /// <summary>
    /// Records in the manifest the oldest segment in use (compaction) or the newest created (the writer); null keeps
    /// what it says, so neither overwrites the other's news with a value it read earlier.
    /// </summary>
    private void UpdateManifest(long? oldest, long? last)
    {
        lock (_manifestGate)
        {
            var current = _manifest!;
            // Both only ever grow.
            var first = Math.Max(oldest ?? current.First, current.First);
            var newest = Math.Max(current.Last, last ?? current.Last);
            if (current.First == first && current.Last == newest)
                return;
            _manifest = (current with { First = first, Last = newest, Waived = LogManifest.Merge(current.Waived, first) }).Write(_fs, Directory, current);
        }
    }

    private SortedDictionary<long, string> ListSequences(string suffix, Func<string, string> stem)
    {
        var found = new SortedDictionary<long, string>();
        foreach (var name in _fs.ListFiles(Directory, suffix))
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && long.TryParse(stem(name), out var sequence) && sequence > 0)
                found[sequence] = name;
        }
        return found;
    }

    /// <summary>Reads one segment through, cutting a torn tail off the newest, and says what (if anything) is lost in it.</summary>
    private SegmentScan Scan(long sequence, string path, bool newest, bool legacy)
    {
        var file = _fs.Open(path, create: false);
        var scan = new SegmentScan(new Segment(sequence, path), file);
        var length = file.Length;
        var reader = new SegmentReader(file, length);
        var records = 0;
        var lastType = (LogRecordType)0;
        var snapshotVerdict = SnapshotTail.ReadOn;
        while (true)
        {
            while (reader.Next(out var record))
            {
                var type = LogRecord.TypeOf(record);
                if (records == 0 && type == LogRecordType.SegmentStart)
                {
                    var body = new BodyReader(record[LogRecord.HeaderSize..]);
                    scan.NewFormat = true;
                    var named = body.I64();
                    scan.DeclaredLength = body.I64();
                    if (named != sequence)
                        scan.Loss = (LogLossKind.Damaged, $"it holds the records of segment {named}");
                }
                records++;
                lastType = type;
            }
            if (!IsReadOnly || !newest || reader.Problem is null)
                break;
            // A snapshot of the head may have read a record while the holder was writing it: read it again before calling it damage.
            snapshotVerdict = RereadAfterRace(file, ref reader, ref length);
            if (snapshotVerdict != SnapshotTail.ReadOn)
                break;
        }
        scan.DataEnd = reader.Offset;
        // A preallocated file keeps its size whatever happens to the process or the machine: shorter, it was cut.
        var cut = scan.NewFormat && scan.DeclaredLength > 0 && length < scan.DeclaredLength;
        if (cut && scan.Loss is null)
            scan.Loss = (LogLossKind.Truncated, $"the file is {length} bytes, but it was created with {scan.DeclaredLength}");
        if (reader.Problem is { } problem)
        {
            var at = reader.Offset;
            if (cut)
                return scan;
            if (snapshotVerdict == SnapshotTail.End)
            {
                // The write the holder is making now, or a torn tail it cuts off at its next open: the snapshot ends here.
                return scan;
            }
            if (!IsReadOnly && newest && reader.FindBatchStartAfter(at) < 0)
            {
                // A torn tail: the write that was under way when the process or machine stopped. A preallocated file keeps
                // its size (a shorter one would read as truncated next time); its torn bytes become zeros.
                LogTornTail(path, at, length - at, problem);
                if (scan.DeclaredLength > 0)
                    ZeroFrom(file, at, length);
                else
                    file.SetLength(at);
                file.Sync();
                return scan;
            }
            scan.Loss = (LogLossKind.Damaged, $"{problem} at offset {at}, with intact records after it");
            return scan;
        }
        if (scan.Loss is not null)
            return scan;
        if (records == 0)
        {
            // The newest file may hold nothing yet: a crash right after it was created. Any other must hold at least its
            // start, and a preallocated one is never empty: it was created at full size.
            if (!newest)
                scan.Loss = (LogLossKind.Truncated, "it holds no records");
            else if (length == 0 && _options.PreallocateSegments)
                scan.Loss = (LogLossKind.Truncated, "the file is empty, but segments are created at their full size");
        }
        else if (!scan.NewFormat && !legacy)
        {
            scan.Loss = (LogLossKind.Damaged, "it does not begin with a segment start record");
        }
        else if (scan.NewFormat && !newest && lastType != LogRecordType.SegmentEnd)
        {
            scan.Loss = (LogLossKind.Truncated, $"its records stop at offset {scan.DataEnd} without the record that ends a full segment");
        }
        return scan;
    }

    /// <summary>Overwrites with zeros from <paramref name="from"/> up to the last byte that is not zero.</summary>
    private static void ZeroFrom(ILogFile file, long from, long length)
    {
        var chunk = new byte[64 * 1024];
        var lastNonZero = from - 1;
        for (var at = from; at < length; at += chunk.Length)
        {
            var read = file.Read(chunk.AsSpan(0, (int)Math.Min(chunk.Length, length - at)), at);
            var index = chunk.AsSpan(0, read).LastIndexOfAnyExcept((byte)0);
            if (index >= 0)
                lastNonZero = at + index;
        }
        Array.Clear(chunk);
        for (var at = from; at <= lastNonZero; at += chunk.Length)
            file.Write(chunk.AsSpan(0, (int)Math.Min(chunk.Length, lastNonZero + 1 - at)), at);
    }

    /// <summary>
    /// Describes the losses with the ids they held; refuses to open, or (when the operator accepts the loss) logs them,
    /// moves damaged files aside, restores truncated files' size and works out how far ids must skip.
    /// </summary>
    private void AcceptOrRefuse(List<(LogLossKind Kind, long Sequence, string What)> found, List<SegmentScan> scans)
    {
        var summaries = new Dictionary<long, SegmentSummary>();
        SegmentSummary Summary(SegmentScan scan) =>
            summaries.TryGetValue(scan.Segment.Sequence, out var summary) ? summary : summaries[scan.Segment.Sequence] = SegmentSummary.Read(scan.File, scan.File.Length);

        var losses = new List<LogLoss>();
        foreach (var (kind, sequence, what) in found.OrderBy(l => l.Sequence))
        {
            if (sequence == 0)
            {
                losses.Add(new LogLoss(kind, 0, Path.Combine(Directory, LogManifest.FileName), what, null, []));
                continue;
            }
            var scan = scans.Find(s => s.Segment.Sequence == sequence);
            var before = scans.LastOrDefault(s => s.Segment.Sequence < sequence && s.Loss is null);
            var after = scans.FirstOrDefault(s => s.Segment.Sequence > sequence && s.Loss is null);
            // A truncated file keeps what is left: its own last ids bound the loss from below.
            var from = kind == LogLossKind.Truncated && scan is not null ? Summary(scan) : before is null ? null : Summary(before);
            var to = after is null ? null : Summary(after);
            var ids = SegmentSummary.LostBetween(from, to);
            int? messages = kind == LogLossKind.Damaged && scan is not null ? Summary(scan).Messages : null;
            losses.Add(new LogLoss(kind, sequence, scan?.Segment.Path ?? Path.Combine(Directory, Segment.FileName(sequence)), what, messages, ids));
        }

        if (!_options.AcceptDataLoss)
            throw new LogDataLossException(Directory, losses);

        foreach (var loss in losses)
        {
            LogDataLost(loss.Describe());
            var scan = scans.Find(s => s.Segment.Sequence == loss.Sequence);
            if (loss.OpenEnded)
                _idSkip += IdsIn(loss, scan);
            if (scan is null)
                continue;
            if (loss.Kind == LogLossKind.Damaged)
            {
                scan.File.Dispose();
                var moved = scan.Segment.Path + CorruptSuffix;
                _fs.Rename(scan.Segment.Path, moved);
                _fs.SyncDirectory(Directory);
                scan.Quarantined = true;
                LogQuarantined(scan.Segment.Path, moved, loss.Messages ?? 0);
            }
            else if (loss.Kind == LogLossKind.Truncated && scan.DeclaredLength > scan.File.Length)
            {
                // Back to its size, without the piece of a record the cut left, so the segment takes writes again
                // where its intact data ends.
                ZeroFrom(scan.File, scan.DataEnd, scan.File.Length);
                scan.File.SetLength(scan.DeclaredLength);
                scan.File.Sync();
            }
        }
    }

    /// <summary>How many ids the lost part can have handed out past every id the remaining log knows.</summary>
    private long IdsIn(LogLoss loss, SegmentScan? scan)
    {
        if (loss.Sequence == 0)
            return UnboundedIdSkip;
        // Sized by the largest segment the log ever made, not today's setting (it may have been lowered since), and never
        // below the largest record: skipping too many ids costs nothing, reusing one costs an idempotency key.
        var largest = Math.Max(_largestSegment, SegmentReader.MaxRecordBytes);
        var bytes = loss.Kind switch
        {
            LogLossKind.Truncated when scan is not null => Math.Max(scan.DeclaredLength, largest) - scan.DataEnd,
            _ => largest,
        };
        // A record larger than a segment has a segment to itself: one message.
        return Math.Max(1, bytes / MinMessageRecordBytes + 1);
    }

    /// <summary>One segment file as the open found it.</summary>
    private sealed class SegmentScan(Segment segment, ILogFile file)
    {
        public Segment Segment { get; } = segment;

        public ILogFile File { get; } = file;

        /// <summary>Begins with a start record (this version's format).</summary>
        public bool NewFormat { get; set; }

        /// <summary>The size the file was created with (preallocated); 0 when it grows as written.</summary>
        public long DeclaredLength { get; set; }

        /// <summary>Where its intact data ends.</summary>
        public long DataEnd { get; set; }

        public (LogLossKind Kind, string What)? Loss { get; set; }

        public bool Quarantined { get; set; }
    }
}

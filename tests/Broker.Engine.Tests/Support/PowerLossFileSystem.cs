using Broker.Engine.Storage.Log;

namespace Broker.Engine.Tests.Support;

/// <summary>
/// An in-memory file system under the log that remembers, per file, what was last synced. <see cref="PowerLoss"/>
/// freezes it (every later write or sync fails, as on a dead machine) and returns a new file system holding only the
/// synced bytes, plus, when asked, a prefix of the writes made after the last sync (a torn write). Directory changes
/// (create, rename, delete) are durable at once. Can also hold syncs until the test releases them.
/// </summary>
internal sealed class PowerLossFileSystem : ILogFileSystem
{
    private readonly Dictionary<string, MemoryFile> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private volatile bool _dead;
    private TaskCompletionSource? _syncGate;

    /// <summary>Syncs made so far.</summary>
    public int Syncs;

    /// <summary>
    /// The disk's size: a write or a file extension that would take the files past it writes what fits and fails with
    /// ENOSPC, as a full disk does; overwriting bytes a file already has always fits. Unlimited by default.
    /// </summary>
    public long Capacity { get; set; } = long.MaxValue;

    // Bytes the files take, kept without the file system's lock (a write holds its file's lock).
    private long _used;

    /// <summary>While set, every sync fails with EIO (a disk that reports a write error), and the file keeps what was written.</summary>
    public volatile bool FailSyncs;

    private volatile string? _heldFile;
    private TaskCompletionSource? _heldWrites;

    /// <summary>
    /// Files named <paramref name="fileName"/> opened from now on wait in their writes until <see cref="ReleaseWrites"/>
    /// (a file opened before keeps writing, even renamed); <see cref="WriteHeld"/> completes when one waits.
    /// </summary>
    public void HoldWritesTo(string fileName)
    {
        _heldWrites = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        WriteHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _heldFile = fileName;
    }

    public TaskCompletionSource WriteHeld { get; private set; } = new();

    public void ReleaseWrites()
    {
        _heldFile = null;
        _heldWrites?.TrySetResult();
    }

    /// <summary>Bytes the files take now.</summary>
    public long UsedBytes => Interlocked.Read(ref _used);

    public long FreeBytes(string directory) => Room;

    /// <summary>How many more bytes the disk has room for.</summary>
    private long Room => Capacity == long.MaxValue ? long.MaxValue : Math.Max(0, Capacity - UsedBytes);

    private static IOException NoSpace() => new("No space left on device", 28);

    /// <summary>From now on every sync waits until <see cref="ReleaseSyncs"/>; <see cref="SyncWaiting"/> completes when one does.</summary>
    public void HoldSyncs()
    {
        _syncGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SyncWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public TaskCompletionSource SyncWaiting { get; private set; } = new();

    public void ReleaseSyncs() => _syncGate?.TrySetResult();

    /// <summary>
    /// The machine loses power now: this file system stops working, and the returned one holds what a reboot would find.
    /// </summary>
    /// <param name="random">When given, each file also keeps a random prefix of its unsynced writes, the last one possibly cut.</param>
    public PowerLossFileSystem PowerLoss(Random? random = null)
    {
        lock (_gate)
        {
            _dead = true;
            var after = new PowerLossFileSystem();
            foreach (var directory in _directories)
                after._directories.Add(directory);
            foreach (var (path, file) in _files)
                after._files.Add(path, file.AfterPowerLoss(random));
            after._used = after._files.Values.Sum(f => f.Length);
            after.Capacity = Capacity;
            return after;
        }
    }

    public bool DirectoryExists(string path)
    {
        lock (_gate)
            return _directories.Contains(path);
    }

    public void CreateDirectory(string path)
    {
        lock (_gate)
            _directories.Add(path);
    }

    public IReadOnlyList<string> ListFiles(string directory, string suffix)
    {
        lock (_gate)
            return [.. _files.Keys.Where(p => Path.GetDirectoryName(p) == directory && p.EndsWith(suffix, StringComparison.Ordinal)).Select(p => Path.GetFileName(p))];
    }

    public bool FileExists(string path)
    {
        lock (_gate)
            return _files.ContainsKey(path);
    }

    public ILogFile Open(string path, bool create)
    {
        lock (_gate)
        {
            ThrowIfDead();
            if (!_files.TryGetValue(path, out var file))
            {
                if (!create)
                    throw new FileNotFoundException("No such file.", path);
                _files.Add(path, file = new MemoryFile());
            }
            return new Handle(this, file, _heldFile is { } name && path.EndsWith(name, StringComparison.Ordinal));
        }
    }

    public void Delete(string path)
    {
        lock (_gate)
        {
            ThrowIfDead();
            // A deleted file's space comes back (the log deletes only files it closed or will not write again).
            if (_files.Remove(path, out var file))
                Interlocked.Add(ref _used, -file.Length);
        }
    }

    public void Rename(string from, string to)
    {
        lock (_gate)
        {
            ThrowIfDead();
            _files.Remove(from, out var file);
            if (file is null)
                throw new FileNotFoundException("No such file.", from);
            if (_files.Remove(to, out var replaced))
                Interlocked.Add(ref _used, -replaced.Length);
            _files[to] = file;
        }
    }

    public void SyncDirectory(string directory) => ThrowIfDead();

    public IDisposable Lock(string directory)
    {
        lock (_gate)
        {
            if (!_locks.Add(directory))
                throw new IOException($"The broker data directory '{directory}' is in use.");
        }
        return new Releaser(this, directory);
    }

    /// <summary>The paths of the files in <paramref name="directory"/>.</summary>
    public IReadOnlyList<string> Files(string directory)
    {
        lock (_gate)
            return [.. _files.Keys.Where(p => Path.GetDirectoryName(p) == directory)];
    }

    /// <summary>The current bytes of a file (tests that damage a file edit these).</summary>
    public byte[] Bytes(string path)
    {
        lock (_gate)
            return _files[path].Snapshot();
    }

    private void ThrowIfDead()
    {
        if (_dead)
            throw new IOException("The machine lost power.");
    }

    private sealed class Releaser(PowerLossFileSystem fs, string directory) : IDisposable
    {
        public void Dispose()
        {
            lock (fs._gate)
                fs._locks.Remove(directory);
        }
    }

    private sealed class MemoryFile
    {
        private readonly List<(long Offset, byte[] Data)> _unsynced = [];
        private byte[] _data = [];
        private long _length;
        private byte[] _synced = [];
        private long _syncedLength;

        public long Length
        {
            get
            {
                lock (this)
                    return _length;
            }
        }

        public int Read(Span<byte> buffer, long offset)
        {
            lock (this)
            {
                var count = (int)Math.Clamp(_length - offset, 0, buffer.Length);
                _data.AsSpan((int)offset, count).CopyTo(buffer);
                return count;
            }
        }

        public void Write(ReadOnlySpan<byte> data, long offset)
        {
            lock (this)
            {
                Apply(ref _data, ref _length, data, offset);
                _unsynced.Add((offset, data.ToArray()));
            }
        }

        public void SetLength(long length)
        {
            lock (this)
            {
                // Treated as durable at once (the log syncs right after it truncates a torn tail).
                EnsureCapacity(ref _data, length);
                if (length < _length)
                    Array.Clear(_data, (int)length, (int)(_length - length));
                _length = length;
                Sync();
            }
        }

        public void Sync()
        {
            lock (this)
            {
                _synced = _data.AsSpan(0, (int)_length).ToArray();
                _syncedLength = _length;
                _unsynced.Clear();
            }
        }

        public byte[] Snapshot()
        {
            lock (this)
                return _data.AsSpan(0, (int)_length).ToArray();
        }

        public MemoryFile AfterPowerLoss(Random? random)
        {
            lock (this)
            {
                var after = new MemoryFile { _data = [.. _synced], _length = _syncedLength };
                if (random is not null && _unsynced.Count > 0)
                {
                    var kept = random.Next(_unsynced.Count + 1);
                    for (var i = 0; i < kept; i++)
                    {
                        var (offset, data) = _unsynced[i];
                        var length = i == kept - 1 ? random.Next(data.Length + 1) : data.Length;
                        Apply(ref after._data, ref after._length, data.AsSpan(0, length), offset);
                    }
                }
                after._synced = after._data.AsSpan(0, (int)after._length).ToArray();
                after._syncedLength = after._length;
                return after;
            }
        }

        private static void Apply(ref byte[] data, ref long length, ReadOnlySpan<byte> write, long offset)
        {
            EnsureCapacity(ref data, offset + write.Length);
            write.CopyTo(data.AsSpan((int)offset));
            length = Math.Max(length, offset + write.Length);
        }

        private static void EnsureCapacity(ref byte[] data, long length)
        {
            if (length > data.Length)
                Array.Resize(ref data, (int)Math.Max(length, data.Length * 2L));
        }
    }

    private sealed class Handle(PowerLossFileSystem fs, MemoryFile file, bool held) : ILogFile
    {
        public long Length => file.Length;

        public int Read(Span<byte> buffer, long offset) => file.Read(buffer, offset);

        // Checked under the file's lock, so a write or sync either lands before the power loss's snapshot or fails.
        public void Write(ReadOnlySpan<byte> data, long offset)
        {
            if (held && fs._heldFile is not null)
            {
                fs.WriteHeld.TrySetResult();
                fs._heldWrites!.Task.Wait();
            }
            lock (file)
            {
                fs.ThrowIfDead();
                var before = file.Length;
                var room = fs.Room;
                if (offset + data.Length - before > room)
                {
                    // What fits is written, as a real write that runs out of space leaves it.
                    var fits = (int)Math.Max(0, before + room - offset);
                    if (fits > 0)
                        file.Write(data[..fits], offset);
                    Interlocked.Add(ref fs._used, file.Length - before);
                    throw NoSpace();
                }
                file.Write(data, offset);
                Interlocked.Add(ref fs._used, file.Length - before);
            }
        }

        public void Sync()
        {
            if (fs._syncGate is { } gate)
            {
                fs.SyncWaiting.TrySetResult();
                gate.Task.Wait();
            }
            lock (file)
            {
                fs.ThrowIfDead();
                if (fs.FailSyncs)
                    throw new IOException("Input/output error", 5);
                file.Sync();
            }
            Interlocked.Increment(ref fs.Syncs);
        }

        public void SetLength(long length)
        {
            lock (file)
            {
                fs.ThrowIfDead();
                var before = file.Length;
                if (length - before > fs.Room)
                    throw NoSpace();
                file.SetLength(length);
                Interlocked.Add(ref fs._used, length - before);
            }
        }

        public void Dispose()
        {
        }
    }
}

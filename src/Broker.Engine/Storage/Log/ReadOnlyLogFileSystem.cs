using Microsoft.Win32.SafeHandles;

namespace Broker.Engine.Storage.Log;

/// <summary>
/// The file system of a read-only snapshot (<see cref="LogQueueStore.OpenSnapshot"/>): files are opened for reading
/// only, sharing reads, writes and deletion with the process that holds the directory, and every operation that would
/// change the directory throws. The snapshot never asks for one; this makes sure a slip cannot write to another
/// process's log.
/// </summary>
internal sealed class ReadOnlyLogFileSystem : ILogFileSystem
{
    public static readonly ReadOnlyLogFileSystem Instance = new();

    public bool DirectoryExists(string path) => System.IO.Directory.Exists(path);

    public void CreateDirectory(string path) => throw Refused("create the directory", path);

    public IReadOnlyList<string> ListFiles(string directory, string suffix) => OsLogFileSystem.Instance.ListFiles(directory, suffix);

    public bool FileExists(string path) => File.Exists(path);

    public ILogFile Open(string path, bool create) => create ? throw Refused("create", path) : new ReadOnlyFile(path);

    public void Delete(string path) => throw Refused("delete", path);

    public void Rename(string from, string to) => throw Refused("rename", from);

    public long FreeBytes(string directory) => OsLogFileSystem.Instance.FreeBytes(directory);

    public void SyncDirectory(string directory) => throw Refused("sync", directory);

    public IDisposable Lock(string directory) => throw Refused("lock", directory);

    private static InvalidOperationException Refused(string what, string path) =>
        new($"A read-only snapshot of a log must not {what} '{path}'.");

    private sealed class ReadOnlyFile : ILogFile
    {
        private readonly string _path;
        private readonly FileStream? _stream;
        private readonly SafeFileHandle? _handle;

        public ReadOnlyFile(string path)
        {
            _path = path;
            // A file of no bytes is not opened: it holds nothing to read, and a named pipe or a device put where a log file
            // belongs reports no bytes too, where opening it would wait for a writer that never comes (a pipe) or read
            // without end (a device). The snapshot sees an empty file, as it would at that instant. A file that is not
            // there throws FileNotFoundException here as the open would.
            if (new FileInfo(path).Length == 0)
                return;
            // Sharing everything: the holder goes on writing the head and compaction goes on deleting old segments, whose
            // contents stay readable through this handle.
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            _handle = _stream.SafeFileHandle;
        }

        public long Length => _handle is null ? 0 : RandomAccess.GetLength(_handle);

        public int Read(Span<byte> buffer, long offset)
        {
            if (_handle is null)
                return 0;
            var total = 0;
            while (total < buffer.Length)
            {
                var read = RandomAccess.Read(_handle, buffer[total..], offset + total);
                if (read == 0) break;
                total += read;
            }
            return total;
        }

        public void Write(ReadOnlySpan<byte> data, long offset) => throw Refused("write to", _path);

        public void Sync() => throw Refused("sync", _path);

        public void SetLength(long length) => throw Refused("resize", _path);

        public void Dispose() => _stream?.Dispose();
    }
}

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Broker.Engine.Storage.Log;

/// <summary>The real file system: positional reads and writes, and fdatasync on Linux.</summary>
internal sealed partial class OsLogFileSystem : ILogFileSystem
{
    public static readonly OsLogFileSystem Instance = new();

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public IReadOnlyList<string> ListFiles(string directory, string suffix) =>
        [.. Directory.EnumerateFiles(directory, "*" + suffix).Select(Path.GetFileName).OfType<string>()];

    public bool FileExists(string path) => File.Exists(path);

    public ILogFile Open(string path, bool create) => new OsLogFile(path, create);

    public void Delete(string path) => File.Delete(path);

    public void Rename(string from, string to) => File.Move(from, to, overwrite: true);

    public IDisposable Lock(string directory)
    {
        var path = Path.Combine(directory, "LOCK");
        var ownerPath = path + ".owner";
        // The directory itself is locked where the OS allows it: a LOCK file can be deleted under a running process,
        // after which a second one would lock a new file of the same name and write the same segments.
        var directoryLock = DirectoryLock.TryTake(directory, out var held);
        if (held)
            throw InUse(directory, ownerPath, null);
        FileStream lockFile;
        try
        {
            // FileShare.None is an flock(LOCK_EX) on Unix: released by the kernel when the process dies, so a crash never
            // leaves a stale lock behind, and a second open (another process, or this one) fails at once. Kept besides the
            // directory's lock for processes of earlier versions, which lock only this file.
            lockFile = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            directoryLock?.Dispose();
            throw InUse(directory, ownerPath, ex);
        }
        try
        {
            File.WriteAllText(ownerPath, $"process {Environment.ProcessId} ({Environment.ProcessPath ?? "unknown"}) on {Environment.MachineName}, since {DateTimeOffset.UtcNow:O}");
        }
        catch (IOException)
        {
            // Only the error message of a second opener uses it.
        }
        return new Locks(lockFile, directoryLock);
    }

    /// <summary>
    /// The key of <see cref="Exception.Data"/> under which the error of a directory in use carries its holder, as the
    /// holder wrote it (<c>process 1234 (/usr/bin/app) on host, since ...</c>): a tool opens a read-only snapshot then.
    /// The error itself stays a plain <see cref="IOException"/>, as applications have always seen it.
    /// </summary>
    internal const string HolderKey = "Broker.DirectoryHolder";

    private static IOException InUse(string directory, string ownerPath, Exception? cause)
    {
        var owner = ReadOwner(ownerPath);
        var error = new IOException(
            $"The broker data directory '{directory}' is in use by {owner}, which holds it alone. Stop that process, give this one its own directory, or let them share it (UseEmbedded shares a directory unless its Shared option is false; broker-server does not share its directory: connect to it with UseServer).",
            cause);
        error.Data[HolderKey] = owner;
        return error;
    }

    /// <summary>The most of the holder's record read: a line of a hundred characters or so, with room to spare.</summary>
    internal const int MaxOwnerChars = 1024;

    /// <summary>Who holds the lock, as the holder wrote it at open; "another process" when that cannot be read.</summary>
    /// <remarks>
    /// Whoever can write in the directory can put anything in its place: only a file with content is read, not a link
    /// (to /dev/zero, say) nor a device or a named pipe (whose size is 0: opening a pipe would wait for a writer for
    /// ever), and only its first <see cref="MaxOwnerChars"/> characters.
    /// </remarks>
    internal static string ReadOwner(string ownerPath)
    {
        try
        {
            var info = new FileInfo(ownerPath);
            if (!info.Exists || info.Length == 0 || info.LinkTarget is not null || (info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) != 0)
                return "another process";
            using var reader = new StreamReader(ownerPath);
            var buffer = new char[MaxOwnerChars];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            var owner = new string(buffer, 0, read).Trim();
            return owner.Length > 0 ? owner : "another process";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "another process";
        }
    }

    private sealed class Locks(FileStream lockFile, IDisposable? directoryLock) : IDisposable
    {
        public void Dispose()
        {
            // .NET unlocks the file's flock itself before closing it; the directory's is unlocked by DirectoryLock.
            lockFile.Dispose();
            directoryLock?.Dispose();
        }
    }

    public long FreeBytes(string directory) => new DriveInfo(directory).AvailableFreeSpace;

    public void SyncDirectory(string directory)
    {
        // A directory cannot be opened as a FileStream; on Linux, open(O_RDONLY) and fsync it. Elsewhere there is no
        // portable way, and NTFS journals metadata anyway.
        if (!OperatingSystem.IsLinux())
            return;
        // O_CLOEXEC: a child process started meanwhile must not inherit it.
        var fd = Native.Open(directory, 0x80000);
        if (fd < 0)
            throw new IOException($"Cannot open directory '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Native.Fsync(fd) != 0)
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private sealed class OsLogFile : ILogFile
    {
        private readonly FileStream _stream;
        private readonly SafeFileHandle _handle;

        public OsLogFile(string path, bool create)
        {
            // Other readers are fine (tools, tests); the directory lock keeps a second writer out.
            _stream = new FileStream(path, create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            _handle = _stream.SafeFileHandle;
        }

        public long Length => RandomAccess.GetLength(_handle);

        public int Read(Span<byte> buffer, long offset)
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var read = RandomAccess.Read(_handle, buffer[total..], offset + total);
                if (read == 0) break;
                total += read;
            }
            return total;
        }

        public void Write(ReadOnlySpan<byte> data, long offset) => RandomAccess.Write(_handle, data, offset);

        public void Sync()
        {
            if (OperatingSystem.IsLinux())
            {
                // fdatasync: the data and the size, not the timestamps; on a preallocated segment that is the data only.
                if (Native.Fdatasync(_handle) != 0)
                    throw new IOException($"fdatasync of '{_stream.Name}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
            else
            {
                _stream.Flush(flushToDisk: true);
            }
        }

        public void SetLength(long length) => RandomAccess.SetLength(_handle, length);

        public void Dispose() => _stream.Dispose();
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
        public static partial int Fdatasync(SafeFileHandle fd);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int fd);
    }
}

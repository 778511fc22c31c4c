using System.Runtime.InteropServices;

namespace Broker.Engine.Storage.Log;

/// <summary>
/// An exclusive <c>flock</c> on a directory (Linux): held until disposed or until the process dies, whatever happens to
/// the files in it. Elsewhere there is none, and the LOCK file alone keeps a second process out.
/// </summary>
internal sealed partial class DirectoryLock : IDisposable
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux
    // Not inherited by child processes: a child would hold the lock for as long as it lives.
    private const int CloseOnExec = 0x80000; // O_CLOEXEC on Linux
    private const int Exclusive = 2; // LOCK_EX
    private const int NonBlocking = 4; // LOCK_NB
    private const int Unlock = 8; // LOCK_UN
    private const int WouldBlock = 11; // EWOULDBLOCK

    private int _fd;

    private DirectoryLock(int fd) => _fd = fd;

    /// <summary>The locked directory's file descriptor (tests duplicate it, as a child process being started does).</summary>
    internal int Descriptor => _fd;

    /// <summary>Takes the lock.</summary>
    /// <param name="path">The directory.</param>
    /// <param name="heldByAnother">True when another open file description holds it (another process, or another store here).</param>
    /// <returns>The lock, or null when it is held by another or the OS offers none.</returns>
    /// <exception cref="IOException">The directory cannot be opened.</exception>
    public static DirectoryLock? TryTake(string path, out bool heldByAnother)
    {
        heldByAnother = false;
        if (!OperatingSystem.IsLinux())
            return null;
        var fd = Native.Open(path, ReadOnly | Directory | CloseOnExec);
        if (fd < 0)
            throw new IOException($"Cannot open the data directory '{path}' to lock it (errno {Marshal.GetLastPInvokeError()}).");
        if (Native.Flock(fd, Exclusive | NonBlocking) == 0)
            return new DirectoryLock(fd);
        var errno = Marshal.GetLastPInvokeError();
        _ = Native.Close(fd);
        if (errno == WouldBlock)
        {
            heldByAnother = true;
            return null;
        }
        throw new IOException($"Cannot lock the data directory '{path}' (errno {errno}).");
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0)
            return;
        // Unlocked before the close: a flock belongs to the open file description, which a child process being started
        // at this instant shares until its exec closes its copy; a close alone would leave the lock held that long, and
        // the next opener (a restart in this process, the next host of a shared directory) refused.
        _ = Native.Flock(fd, Unlock);
        _ = Native.Close(fd);
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
        public static partial int Flock(int fd, int operation);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int fd);
    }
}

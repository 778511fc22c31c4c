using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;

namespace Broker.Engine.Tests.Log;

/// <summary>
/// A closed log lets go of its directory at once, even while another descriptor shares its lock: a child process being
/// started at that instant holds a copy of every descriptor until its exec closes it, and a flock belongs to the open
/// file, not to one descriptor. Closing alone left the lock held that long; CI once saw a restart in the same process
/// refused "in use by" itself. Each test duplicates the descriptor as the child would. Serial: duplicating every
/// descriptor of the process would hold other tests' sockets and locks open for a moment.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(Serial.Name)]
public sealed partial class DirectoryLockReleaseTests
{
    [Fact]
    public void TheDirectorysLockGoesWithItsDisposeThoughACopyOfItsDescriptorLives()
    {
        using var directory = new TempDirectory();
        var first = DirectoryLock.TryTake(directory.Path, out _)!;
        var copy = Dup(first.Descriptor);
        try
        {
            first.Dispose();

            using var second = DirectoryLock.TryTake(directory.Path, out var held);

            Assert.False(held);
            Assert.NotNull(second);
        }
        finally
        {
            _ = Close(copy);
        }
    }

    [Fact]
    public void ALogClosedWhileACopyOfItsLocksLivesCanBeOpenedAgainAtOnce()
    {
        using var directory = new TempDirectory();
        var log = LogQueueStore.Open(directory.Path, new LogStoreOptions { SegmentBytes = 64 * 1024 }, TimeProvider.System);
        // Every descriptor of this process, as a forked child has them before its exec: the directory's and LOCK's among
        // them (entries, not files: the directory's descriptor links to a directory).
        var copies = Directory.GetFileSystemEntries("/proc/self/fd").Select(f => int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture))
            .Select(Dup).Where(fd => fd >= 0).ToList();
        try
        {
            log.Dispose();

            using var again = LogQueueStore.Open(directory.Path, new LogStoreOptions { SegmentBytes = 64 * 1024 }, TimeProvider.System);

            Assert.Equal(directory.Path, again.Directory);
        }
        finally
        {
            foreach (var fd in copies)
                _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

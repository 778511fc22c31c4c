using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Embedded;

/// <summary>
/// The local endpoint of a shared data directory: the Unix domain socket <c>broker.sock</c> in it. Who may connect is
/// decided by the file's permissions, which follow the directory's: whoever may write in the directory (and so could
/// delete or replace the log's files) may use the broker.
/// </summary>
internal static class EmbeddedEndpoint
{
    public const string FileName = EmbeddedBrokerOptions.SocketFileName;

    /// <summary>
    /// The longest socket path the OS takes: sun_path holds 108 bytes on Linux and 104 on macOS and the BSDs, with the
    /// terminating zero.
    /// </summary>
    public static int MaxPathBytes => OperatingSystem.IsLinux() ? 107 : 103;

    /// <summary>The socket's path in <paramref name="directory"/> (a full path).</summary>
    /// <exception cref="ArgumentException">The path is longer than a Unix domain socket's address allows.</exception>
    public static string PathIn(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > MaxPathBytes)
        {
            throw new ArgumentException(
                $"The embedded broker's data directory '{directory}' is too deep to share: its socket '{path}' is {bytes} bytes long, and a Unix domain socket's path may be at most {MaxPathBytes}. " +
                "Use a shorter path, or set EmbeddedBrokerOptions.Shared (Broker:Embedded:Shared) to false to use the directory from one process only.",
                nameof(directory));
        }
        return path;
    }

    /// <summary>True where the shared mode can run: Unix domain sockets and a lock that dies with its process.</summary>
    public static bool IsSupported => Socket.OSSupportsUnixDomainSockets && !OperatingSystem.IsWindows();

    /// <summary>
    /// Removes a socket file left by a host that died. Called only by the holder of the directory's lock, so no live host
    /// can own it: the lock is the only arbiter of who hosts, never the file.
    /// </summary>
    /// <exception cref="IOException">Something else than a file or socket has the name (a directory): named, with the fix.</exception>
    public static void RemoveStale(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException(
                $"'{path}' is a directory, where the shared embedded broker keeps its socket; remove it (nothing of the broker's is in it).");
        }
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>
    /// The socket's permissions: read and write for the owner, and for the group and others as far as the directory lets
    /// them write in it. The server sets them before it listens (<c>BrokerServerOptions.UnixSocketMode</c>).
    /// </summary>
    public static UnixFileMode? ModeFor(string directory)
    {
        if (OperatingSystem.IsWindows())
            return null;
        var directoryMode = File.GetUnixFileMode(directory);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if ((directoryMode & UnixFileMode.GroupWrite) != 0)
            mode |= UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
        if ((directoryMode & UnixFileMode.OtherWrite) != 0)
            mode |= UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        return mode;
    }
}

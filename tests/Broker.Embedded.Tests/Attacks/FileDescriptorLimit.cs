using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Broker.Embedded.Tests.Attacks;

/// <summary>
/// Runs this process out of file descriptors for a moment: lowers the soft RLIMIT_NOFILE to just above the highest
/// descriptor open now and fills every free number below it, so the next socket anyone here makes (a listener's accept
/// included) fails with EMFILE, "Too many open files". Disposing gives the limit and the descriptors back.
/// </summary>
internal sealed partial class FileDescriptorLimit : IDisposable
{
    private const int NoFile = 7; // RLIMIT_NOFILE on Linux
    private readonly Limit _before;
    private readonly List<Socket> _fillers = [];

    private FileDescriptorLimit()
    {
        if (GetLimit(NoFile, out _before) != 0)
            throw new InvalidOperationException($"getrlimit failed with errno {Marshal.GetLastPInvokeError()}.");
        var highest = Directory.GetFiles("/proc/self/fd").Select(f => ulong.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture)).Max();
        var lowered = new Limit(highest + 1, _before.Max);
        if (SetLimit(NoFile, in lowered) != 0)
            throw new InvalidOperationException($"setrlimit failed with errno {Marshal.GetLastPInvokeError()}.");
        try
        {
            while (true)
                _fillers.Add(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified));
        }
        catch (SocketException)
        {
            // Every number below the limit is taken.
        }
    }

    public static FileDescriptorLimit Exhaust() => new();

    public void Dispose()
    {
        foreach (var filler in _fillers)
            filler.Dispose();
        _ = SetLimit(NoFile, in _before);
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Limit(ulong Current, ulong Max);

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetLimit(int resource, out Limit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetLimit(int resource, in Limit limit);
}

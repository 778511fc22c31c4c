namespace Broker.Embedded.Tests.Support;

/// <summary>
/// A fresh directory under /tmp, deleted with everything in it on dispose. Short on purpose: a Unix domain socket's
/// path may be at most 107 bytes, and the shared directory's socket lives in it.
/// </summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine("/tmp", "brk-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a failed test; the machine cleans /tmp.
        }
    }
}

namespace Broker.Server.Tests.Infrastructure;

/// <summary>
/// A fresh directory under the system's temp directory (or <c>parent</c>), deleted when disposed. A shared embedded
/// directory wants a short one under /tmp: its socket's path may be at most 107 bytes, whatever TMPDIR says.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "broker-server-tests", string? parent = null)
    {
        Path = System.IO.Path.Combine(parent ?? System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
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
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

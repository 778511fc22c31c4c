namespace Broker.Cli.Tests.Infrastructure;

/// <summary>A fresh directory under the system's temporary folder, deleted with everything in it.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "broker-cli-tests")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
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
    }
}

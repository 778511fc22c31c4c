namespace Broker.Engine.Storage.Log;

/// <summary>
/// The file operations the log needs, so tests can put a layer under it that loses what was not synced (a simulated
/// power loss) without a FUSE file system.
/// </summary>
internal interface ILogFileSystem
{
    bool DirectoryExists(string path);

    void CreateDirectory(string path);

    /// <summary>The names (not paths) of the files in <paramref name="directory"/> that end with <paramref name="suffix"/>.</summary>
    IReadOnlyList<string> ListFiles(string directory, string suffix);

    bool FileExists(string path);

    /// <summary>Opens a file for reading and writing, creating it when <paramref name="create"/> is set.</summary>
    ILogFile Open(string path, bool create);

    void Delete(string path);

    /// <summary>Renames a file, replacing <paramref name="to"/>.</summary>
    void Rename(string from, string to);

    /// <summary>Bytes free for this process on the disk that holds <paramref name="directory"/>.</summary>
    long FreeBytes(string directory);

    /// <summary>Makes creations, renames and deletions in <paramref name="directory"/> durable.</summary>
    void SyncDirectory(string directory);

    /// <summary>
    /// Takes the directory's exclusive lock, held until disposed; throws an <see cref="IOException"/> naming the holder
    /// when another process or store has it.
    /// </summary>
    IDisposable Lock(string directory);
}

/// <summary>One open file of the log.</summary>
internal interface ILogFile : IDisposable
{
    long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; fewer only at the end of the file.</summary>
    int Read(Span<byte> buffer, long offset);

    void Write(ReadOnlySpan<byte> data, long offset);

    /// <summary>Makes every write so far durable (fdatasync).</summary>
    void Sync();

    void SetLength(long length);
}

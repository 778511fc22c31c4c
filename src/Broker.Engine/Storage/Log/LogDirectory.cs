namespace Broker.Engine.Storage.Log;

/// <summary>
/// Checks that a directory is a broker data directory before a tool opens it, without changing anything: opening a
/// log creates what is missing (a new log in an empty directory) and cuts a torn tail off its newest segment, which
/// would make a new log of a mistyped path or cut a file that was never a segment.
/// </summary>
internal static class LogDirectory
{
    /// <summary>Throws when <paramref name="directory"/> is missing, holds no log, or holds a segment file that is not one.</summary>
    /// <param name="directory">The full path.</param>
    /// <exception cref="DirectoryNotFoundException">It does not exist.</exception>
    /// <exception cref="NotADataDirectoryException">It holds no manifest and no segment file.</exception>
    /// <exception cref="LogCorruptedException">Its manifest is unreadable, or a segment file does not begin with a log record.</exception>
    public static void Check(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new DirectoryNotFoundException($"The broker data directory '{directory}' does not exist.");
        var names = System.IO.Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var segments = names.Where(IsSegment).ToList();
        var hasManifest = names.Contains(LogManifest.FileName, StringComparer.Ordinal);
        if (!hasManifest && segments.Count == 0)
        {
            var what = names.Count == 0
                ? "it is empty"
                : $"it holds no MANIFEST and no segment (*{LogQueueStore.SegmentSuffix}) files, only {names.Count} other entr{(names.Count == 1 ? "y" : "ies")} such as '{names[0]}'";
            throw new NotADataDirectoryException(directory, what, null);
        }
        if (hasManifest)
            LogManifest.Read(ReadOnlyLogFileSystem.Instance, directory);
        for (var i = 0; i < segments.Count; i++)
            CheckSegmentStart(Path.Combine(directory, segments[i]), newest: i == segments.Count - 1);
    }

    private static bool IsSegment(string name) =>
        name.EndsWith(LogQueueStore.SegmentSuffix, StringComparison.Ordinal) && long.TryParse(Path.GetFileNameWithoutExtension(name), out var sequence) && sequence > 0;

    /// <summary>
    /// A segment begins with an intact record (a start record, or in logs of earlier versions any record), or with
    /// nothing yet: an empty or zeroed file is a segment its log has just created. The newest one's first record may be
    /// being written now, so only its header is checked.
    /// </summary>
    private static void CheckSegmentStart(string path, bool newest)
    {
        ILogFile file;
        try
        {
            file = ReadOnlyLogFileSystem.Instance.Open(path, create: false);
        }
        catch (FileNotFoundException)
        {
            // Deleted by the holder's compaction since the listing: nothing to check.
            return;
        }
        using (file)
        {
            var length = file.Length;
            if (length < LogRecord.HeaderSize)
                return;
            var header = new byte[LogRecord.HeaderSize];
            file.Read(header, 0);
            if (LogRecord.IsZeroHeader(header))
                return;
            var type = LogRecord.TypeOf(header);
            var bodyLength = LogRecord.BodyLength(header);
            string? problem = null;
            if (!LogRecord.IsKnown(type))
                problem = $"its first bytes are no log record (unknown record type {(int)type})";
            else if (bodyLength > SegmentReader.MaxRecordBytes)
                problem = $"its first bytes are no log record (a record length of {bodyLength} bytes)";
            else if (!newest && LogRecord.HeaderSize + (long)bodyLength <= length)
            {
                var record = new byte[LogRecord.HeaderSize + bodyLength];
                file.Read(record, 0);
                if (!LogRecord.Verify(record))
                    problem = "its first record fails its checksum";
            }
            if (problem is not null)
                throw new LogCorruptedException($"'{path}' is not a segment of a Broker log: {problem}. Move it out of the data directory if it is not one; restore it from a backup if it was.");
        }
    }
}

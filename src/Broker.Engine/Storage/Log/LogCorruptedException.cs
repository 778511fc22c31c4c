namespace Broker.Engine.Storage.Log;

/// <summary>
/// A log segment is damaged before its tail, so opening it would silently lose acknowledged records. Names the segment
/// file and the offset of the first bad record.
/// </summary>
public class LogCorruptedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public LogCorruptedException()
        : base("A log segment is corrupt.")
    {
        SegmentPath = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public LogCorruptedException(string message)
        : base(message)
    {
        SegmentPath = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LogCorruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
        SegmentPath = string.Empty;
    }

    /// <summary>Creates the exception for a segment and offset.</summary>
    /// <param name="segmentPath">The segment file.</param>
    /// <param name="offset">The offset of the first bad record.</param>
    /// <param name="why">What is wrong there.</param>
    public LogCorruptedException(string segmentPath, long offset, string why)
        : base($"Log segment '{segmentPath}' is corrupt at offset {offset} ({why}), and intact records follow it, so this is not a torn write at the tail. " +
               "Refusing to open: restore the directory from a backup, or set AcceptDataLoss to open without what is lost.")
    {
        SegmentPath = segmentPath;
        Offset = offset;
    }

    /// <summary>The damaged segment file.</summary>
    public string SegmentPath { get; }

    /// <summary>The offset of the first bad record in it.</summary>
    public long Offset { get; }
}

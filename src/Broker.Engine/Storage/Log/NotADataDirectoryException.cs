namespace Broker.Engine.Storage.Log;

/// <summary>A directory given as a broker data directory holds no log: no manifest and no segment files.</summary>
public sealed class NotADataDirectoryException : IOException
{
    /// <summary>Creates the exception.</summary>
    public NotADataDirectoryException()
        : base("The directory is not a broker data directory.")
    {
        Directory = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public NotADataDirectoryException(string message)
        : base(message)
    {
        Directory = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NotADataDirectoryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Directory = string.Empty;
    }

    /// <summary>Creates the exception for a directory.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="what">What it holds instead, for people ("it is empty").</param>
    /// <param name="innerException">The cause, if any.</param>
    public NotADataDirectoryException(string directory, string what, Exception? innerException)
        : base($"'{directory}' is not a broker data directory: {what}. Give the directory a broker keeps its messages in (the path given to UseEmbedded, or broker-server's --data).", innerException)
    {
        Directory = directory;
    }

    /// <summary>The directory.</summary>
    public string Directory { get; }
}

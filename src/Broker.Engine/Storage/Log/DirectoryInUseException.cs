namespace Broker.Engine.Storage.Log;

/// <summary>
/// Another process (or another store in this one) holds the data directory's lock. The message names the holder as the
/// lock's owner file records it (its process id, program, machine and since when).
/// </summary>
public sealed class DirectoryInUseException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DirectoryInUseException()
        : base("The broker data directory is in use by another process.")
    {
        Directory = string.Empty;
        Holder = "another process";
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DirectoryInUseException(string message)
        : base(message)
    {
        Directory = string.Empty;
        Holder = "another process";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DirectoryInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Directory = string.Empty;
        Holder = "another process";
    }

    /// <summary>Creates the exception for a directory and its holder.</summary>
    /// <param name="directory">The data directory.</param>
    /// <param name="holder">Who holds it: <c>process 1234 (/usr/bin/app) on host, since ...</c>, or <c>another process</c>.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DirectoryInUseException(string directory, string holder, Exception? innerException)
        : base($"The broker data directory '{directory}' is in use by {holder}. One directory serves one process: stop the other one, or give this one its own directory.", innerException)
    {
        Directory = directory;
        Holder = holder;
    }

    /// <summary>The data directory.</summary>
    public string Directory { get; }

    /// <summary>Who holds it, as its lock's owner file records it; <c>another process</c> when that file is unreadable.</summary>
    public string Holder { get; }
}

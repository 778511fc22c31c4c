namespace Broker.Engine.Storage.Log;

/// <summary>
/// Recovery found that acknowledged data is gone or unreadable: a segment file missing, shorter than it was, or damaged
/// before its tail. The log refuses to open rather than lose messages silently (and hand their ids out again). Restore the
/// files from a backup, or open with <see cref="LogStoreOptions.AcceptDataLoss"/> to start without them: the loss is then
/// logged at error level and the ids it held are never reused.
/// </summary>
public sealed class LogDataLossException : LogCorruptedException
{
    /// <summary>Creates the exception.</summary>
    public LogDataLossException()
        : this("Acknowledged data of the log is lost.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public LogDataLossException(string message)
        : base(message)
    {
        Directory = string.Empty;
        Losses = [];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LogDataLossException(string message, Exception innerException)
        : base(message, innerException)
    {
        Directory = string.Empty;
        Losses = [];
    }

    /// <summary>Creates the exception for the losses found in a directory.</summary>
    /// <param name="directory">The data directory.</param>
    /// <param name="losses">What is lost.</param>
    public LogDataLossException(string directory, IReadOnlyList<LogLoss> losses)
        : base(Explain(directory, losses, "set LogStoreOptions.AcceptDataLoss (AcceptDataLoss of UseEmbedded)"))
    {
        Directory = directory;
        Losses = losses;
    }

    /// <summary>The data directory.</summary>
    public string Directory { get; }

    /// <summary>What is lost, one entry per segment file.</summary>
    public IReadOnlyList<LogLoss> Losses { get; }

    /// <summary>The message, naming <paramref name="acceptOption"/> as the way to start anyway (a command-line switch, say).</summary>
    /// <param name="acceptOption">How the reader sets AcceptDataLoss.</param>
    /// <returns>The explanation.</returns>
    public string Explain(string acceptOption) => Explain(Directory, Losses, acceptOption);

    private static string Explain(string directory, IReadOnlyList<LogLoss> losses, string acceptOption) =>
        $"Refusing to open the log in '{directory}': acknowledged messages would be lost. " +
        string.Join(" ", losses.Select(l => char.ToUpperInvariant(l.Describe()[0]) + l.Describe()[1..] + ".")) +
        $" Restore the files from a backup, or {acceptOption} to start without them: the loss is logged and its ids are never handed out again.";
}

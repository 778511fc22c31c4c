namespace Broker.Cli;

/// <summary>
/// A failure the command explains itself: its message is printed as it is (no stack trace) and the process exits with
/// <see cref="ExitCode"/>, one of <see cref="ExitCodes"/>.
/// </summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliException()
        : this(ExitCodes.Failure, "The command failed.")
    {
    }

    /// <summary>Creates the exception with a message and the failure exit code.</summary>
    /// <param name="message">What went wrong, for a person.</param>
    public CliException(string message)
        : this(ExitCodes.Failure, message)
    {
    }

    /// <summary>Creates the exception with a message, a cause and the failure exit code.</summary>
    /// <param name="message">What went wrong, for a person.</param>
    /// <param name="innerException">The cause.</param>
    public CliException(string message, Exception innerException)
        : base(message, innerException) => ExitCode = ExitCodes.Failure;

    /// <summary>Creates the exception.</summary>
    /// <param name="exitCode">What the process exits with.</param>
    /// <param name="message">What went wrong, for a person.</param>
    /// <param name="innerException">The cause, if any.</param>
    public CliException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

    /// <summary>What the process exits with.</summary>
    public int ExitCode { get; }
}

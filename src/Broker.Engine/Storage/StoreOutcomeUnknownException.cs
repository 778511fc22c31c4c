namespace Broker.Engine.Storage;

/// <summary>
/// A store write failed in a way that leaves its outcome unknown: the disk may or may not hold it (an fsync that failed,
/// an I/O error in the middle of a write). A produce that fails with this may still be delivered after a restart; the
/// store stopped accepting writes until it is reopened, when what is on disk decides.
/// </summary>
public sealed class StoreOutcomeUnknownException : IOException
{
    /// <summary>Creates the exception.</summary>
    public StoreOutcomeUnknownException()
        : base("A store write failed; whether it was stored is unknown.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public StoreOutcomeUnknownException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StoreOutcomeUnknownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

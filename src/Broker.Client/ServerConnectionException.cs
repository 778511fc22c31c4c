namespace Broker.Client;

/// <summary>
/// The broker server could not be reached, or the connection was lost in a way that leaves an operation's outcome
/// unknown (an AtLeastOnce produce in flight when the server restarted: the message may or may not be stored).
/// </summary>
public sealed class ServerConnectionException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened and what it means for the operation.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ServerConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>True when the operation may have taken effect on the server before the connection was lost.</summary>
    public bool OutcomeUnknown { get; init; }
}

namespace Broker.Transport;

/// <summary>
/// A message's payload is over the limit of the adapter or server (<see cref="MessageLimits.CheckPayload"/>); nothing was
/// stored. An <see cref="ArgumentException"/>, so callers that catch those see it; a server answers it with its own
/// error code (<c>MessageTooLarge</c>) rather than a generic invalid request.
/// </summary>
public sealed class MessageTooLargeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message, naming the channel and both sizes.</param>
    public MessageTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MessageTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

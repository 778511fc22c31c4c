namespace Broker.Engine.Storage;

/// <summary>
/// The store refused a write because its disk is full: nothing of it was stored, so a produce that fails with this was
/// definitely not accepted and will never be delivered. Produce it again once space is free; the store accepts writes
/// again by itself when it is.
/// </summary>
public sealed class StoreFullException : IOException
{
    /// <summary>Creates the exception.</summary>
    public StoreFullException()
        : base("The store's disk is full; nothing was stored.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public StoreFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StoreFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Broker.Management;

/// <summary>
/// A management call that changes state was made on a read-only view (an embedded directory another process holds).
/// The message says why and what to do instead.
/// </summary>
public sealed class ManagementReadOnlyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ManagementReadOnlyException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Why the view is read-only and what to do instead.</param>
    public ManagementReadOnlyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">Why the view is read-only and what to do instead.</param>
    /// <param name="innerException">The cause.</param>
    public ManagementReadOnlyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

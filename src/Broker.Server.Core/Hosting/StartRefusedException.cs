namespace Broker.Server.Hosting;

/// <summary>
/// The server cannot start as configured for a reason its message explains in full (an address in use, say): logged
/// once, in those words, without a stack trace, which would only bury them.
/// </summary>
internal sealed class StartRefusedException : InvalidOperationException
{
    public StartRefusedException()
    {
    }

    public StartRefusedException(string message)
        : base(message)
    {
    }

    public StartRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

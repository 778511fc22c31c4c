namespace Broker.Testing;

/// <summary>
/// A harness expectation was not met: what a test awaited did not happen in time, or the broker did not become idle. The
/// message says what was awaited and lists what was seen on the channel, so the failing test explains itself in any test
/// framework (xunit, NUnit and MSTest all report an unexpected exception with its message).
/// </summary>
public sealed class BrokerHarnessException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public BrokerHarnessException()
        : base("A Broker test harness expectation was not met.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was awaited and what was seen.</param>
    public BrokerHarnessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What was awaited and what was seen.</param>
    /// <param name="innerException">The cause.</param>
    public BrokerHarnessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

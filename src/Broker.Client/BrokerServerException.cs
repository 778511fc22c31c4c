namespace Broker.Client;

/// <summary>The broker server refused a request; <see cref="Code"/> says why (docs/protocol.md lists the codes).</summary>
public sealed class BrokerServerException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The server's error code, such as <c>MessageTooLarge</c>.</param>
    /// <param name="message">The server's message.</param>
    public BrokerServerException(string code, string message)
        : base(message) => Code = code;

    /// <summary>The server's error code, such as <c>MessageTooLarge</c> or <c>AuthenticationFailed</c>.</summary>
    public string Code { get; }
}

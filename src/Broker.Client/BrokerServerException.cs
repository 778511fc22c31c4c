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

    /// <summary>
    /// True when the request may have taken effect although it failed (<c>StoreOutcomeUnknown</c>: the server's log failed
    /// while storing it). A produce that failed with this may still be delivered; every other code means it was not stored.
    /// </summary>
    public bool OutcomeUnknown => Code == Protocol.ErrorCodes.StoreOutcomeUnknown;
}

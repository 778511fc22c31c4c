namespace Broker.Client.Protocol;

/// <summary>A violation of the wire protocol, or a refusal that travels as an Error frame with <see cref="Code"/>.</summary>
internal sealed class ProtocolException : Exception
{
    public ProtocolException(string code, string message)
        : base(message) => Code = code;

    public ProtocolException(string code, string message, Exception inner)
        : base(message, inner) => Code = code;

    /// <summary>One of <see cref="ErrorCodes"/>.</summary>
    public string Code { get; }
}

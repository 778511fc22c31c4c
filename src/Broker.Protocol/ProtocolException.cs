namespace Broker.Protocol;

/// <summary>A violation of the wire protocol, or a refusal that travels as an Error frame with <see cref="Code"/>.</summary>
public sealed class ProtocolException : Exception
{
    /// <summary>A violation or refusal of the kind <paramref name="code"/>.</summary>
    /// <param name="code">One of <see cref="ErrorCodes"/>.</param>
    /// <param name="message">The sentence the peer is told.</param>
    public ProtocolException(string code, string message)
        : base(message) => Code = code;

    /// <summary>A violation or refusal of the kind <paramref name="code"/>, caused by <paramref name="inner"/>.</summary>
    /// <param name="code">One of <see cref="ErrorCodes"/>.</param>
    /// <param name="message">The sentence the peer is told.</param>
    /// <param name="inner">What made the frame invalid.</param>
    public ProtocolException(string code, string message, Exception inner)
        : base(message, inner) => Code = code;

    /// <summary>One of <see cref="ErrorCodes"/>.</summary>
    public string Code { get; }
}

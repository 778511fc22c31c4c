namespace Broker.Protocol;

/// <summary>
/// The <c>properties.code</c> of an Error frame: what kind of failure it reports. Deepkit clients ignore it (they read
/// only <c>message</c>); Broker's client uses it to choose the exception it throws.
/// </summary>
public static class ErrorCodes
{
    /// <summary>The frame could not be parsed; the connection is closed.</summary>
    public const string Malformed = "Malformed";

    /// <summary>The frame declared a size above the server's frame limit; the connection is closed.</summary>
    public const string FrameTooLarge = "FrameTooLarge";

    /// <summary>A frame other than Authenticate arrived before authentication, or none arrived in time; the connection is closed.</summary>
    public const string Unauthenticated = "Unauthenticated";

    /// <summary>The credentials were wrong; the connection is closed.</summary>
    public const string AuthenticationFailed = "AuthenticationFailed";

    /// <summary>The message type is not one the server knows; the connection stays open.</summary>
    public const string UnknownMessage = "UnknownMessage";

    /// <summary>The payload is larger than the server's message limit; the connection stays open.</summary>
    public const string MessageTooLarge = "MessageTooLarge";

    /// <summary>A value in a well-formed request is invalid (a channel name, a negative delay); the connection stays open.</summary>
    public const string InvalidRequest = "InvalidRequest";

    /// <summary>
    /// A limit was reached: --max-subscriptions per connection, a subscribe whose credit would pass --max-unsettled, or
    /// --max-channels for a produce, subscribe or declaration of a channel the server does not hold. Nothing was stored;
    /// the connection stays open.
    /// </summary>
    public const string LimitReached = "LimitReached";

    /// <summary>The server accepts no more connections; the connection is closed.</summary>
    public const string TooManyConnections = "TooManyConnections";

    /// <summary>The connection could not keep up with its deliveries and replies; it is closed.</summary>
    public const string SlowConsumer = "SlowConsumer";

    /// <summary>The produce sequence is older than what the server remembers for the session: its outcome is unknown.</summary>
    public const string OutcomeUnknown = "OutcomeUnknown";

    /// <summary>
    /// The server's disk is full: the request was not stored (a produce refused this way is never delivered); the
    /// connection stays open and the server accepts writes again once space is free.
    /// </summary>
    public const string StorageFull = "StorageFull";

    /// <summary>
    /// The server's log failed while storing the request (an fsync or I/O error), so whether it was stored is unknown; if
    /// it was, it will be delivered. The connection stays open.
    /// </summary>
    public const string StoreOutcomeUnknown = "StoreOutcomeUnknown";

    /// <summary>The server is stopping; the connection is closed.</summary>
    public const string ShuttingDown = "ShuttingDown";

    /// <summary>Anything else that went wrong on the server while handling the request.</summary>
    public const string ServerError = "ServerError";
}

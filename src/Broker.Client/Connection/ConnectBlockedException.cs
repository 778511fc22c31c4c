namespace Broker.Client.Connection;

/// <summary>
/// Thrown by a <see cref="ServerQueueTransport.BeforeConnect"/> hook when connecting now would be pointless: the shared
/// embedded broker found its directory held and unserved, or took it and could not host it. The connect loop waits
/// <see cref="RetryAfter"/> (when given) instead of its backoff, and with <see cref="FailWaiting"/> fails the operations
/// waiting now with this error instead of letting them wait for a connection that will not come soon.
/// </summary>
internal sealed class ConnectBlockedException(string message, TimeSpan? retryAfter, bool failWaiting, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>How long until the next attempt; null for the loop's own backoff.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Whether the operations waiting for a connection fail now with this error.</summary>
    public bool FailWaiting { get; } = failWaiting;
}

namespace Broker.Client.Connection;

/// <summary>
/// A request could not complete because its connection closed. <see cref="WasSent"/> tells whether its frame was queued
/// for the socket (the server may have acted on it) or the connection was already closed (it certainly did not).
/// </summary>
internal sealed class ConnectionLostException(string message, bool wasSent, Exception? reason) : IOException(message, reason)
{
    public bool WasSent { get; } = wasSent;
}

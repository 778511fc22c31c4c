using Microsoft.Extensions.Logging;

namespace Broker.Server;

/// <summary>The server's log messages, one place for their wording and levels.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Broker server listening on {EndPoint} (data {DataDirectory}; {Security})")]
    public static partial void Listening(ILogger logger, string endPoint, string dataDirectory, string security);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered {Channels} channel(s) from the log in {DataDirectory} ({Durability}) in {ElapsedMs} ms")]
    public static partial void Recovered(ILogger logger, int channels, string dataDirectory, Broker.Engine.Storage.Log.DurabilityMode durability, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log holds {Channels} channels, more than --max-channels ({MaxChannels}, which --segment-bytes may have lowered): all are served, but no new channel is accepted until fewer are held")]
    public static partial void MoreChannelsThanTheLimit(ILogger logger, int channels, int maxChannels);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: no new connections; waiting up to {TimeoutSeconds} s for {Requests} request(s) in flight on {Connections} connection(s)")]
    public static partial void Stopping(ILogger logger, double timeoutSeconds, int requests, int connections);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker server stopped; {DataDirectory} released")]
    public static partial void Stopped(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening on {EndPoint} with credentials but without TLS: tokens and passwords cross the network in clear text. Add --tls-certificate.")]
    public static partial void PlaintextCredentials(ILogger logger, string endPoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Connection} opened")]
    public static partial void ConnectionOpened(ILogger logger, string connection);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Connection} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string connection, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Connection} said Hello as '{Client}' (session {Resumed})")]
    public static partial void Hello(ILogger logger, string connection, string client, string resumed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a connection from {Remote}: {Connections} connections are open, the limit")]
    public static partial void TooManyConnections(ILogger logger, string remote, int connections);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} connection(s) from {Source} in the last {Seconds} s, {Suppressed} of them not logged one by one: every one of the {Connections} open connections is authenticated (--max-connections)")]
    public static partial void TooManyConnectionsSummary(ILogger logger, int count, string source, double seconds, int suppressed, int connections);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Connection} closed after {Milliseconds} ms without authenticating or sending a request: its slot went to a new connection (--max-connections {Max})")]
    public static partial void PendingClosedForRoom(ILogger logger, string connection, long milliseconds, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "At --max-connections ({Max}): closed connection {Connection}, which had not authenticated or sent a request after {Milliseconds} ms, to make room for a new one; more are summarised")]
    public static partial void MadeRoom(ILogger logger, int max, string connection, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed {Count} connection(s) that had not authenticated or sent a request to make room for new ones in the last {Seconds} s (--max-connections {Max})")]
    public static partial void MadeRoomSummary(ILogger logger, int count, double seconds, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} failed authentication(s) from {Source} in the last {Seconds} s, {Suppressed} of them not logged one by one")]
    public static partial void AuthenticationFailedSummary(ILogger logger, int count, string source, double seconds, int suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Connection} sent no request within {Seconds} s of connecting (--auth-timeout): closed")]
    public static partial void SentNothing(ILogger logger, string connection, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} connection(s) from {Source} sent no request within --auth-timeout in the last {Seconds} s and were closed, {Suppressed} of them not logged one by one")]
    public static partial void SentNothingSummary(ILogger logger, int count, string source, double seconds, int suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Connection} closed with a protocol error ({Code}): {Message}")]
    public static partial void ProtocolError(ILogger logger, string connection, string code, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} connection(s) from {Source} closed with a protocol error in the last {Seconds} s, {Suppressed} of them not logged one by one")]
    public static partial void ProtocolErrorSummary(ILogger logger, int count, string source, double seconds, int suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Connection} failed to authenticate ({Code}): {Message}")]
    public static partial void AuthenticationFailed(ILogger logger, string connection, string code, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Connection} accepted no data for {TimeoutSeconds} s with {QueuedBytes} bytes queued: closed as a slow consumer; its leases go back to the queue")]
    public static partial void SlowConsumer(ILogger logger, string connection, double timeoutSeconds, long queuedBytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {Connection}: a {Type} request failed on the server")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string connection, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Connection}: a {Type} request was refused: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string connection, string type, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {Connection}: a {Type} request failed in the log: {Reason}")]
    public static partial void RequestStoreFailed(ILogger logger, string connection, string type, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Suppressed} of {Count} failed requests ({Kind}) in the last {IntervalSeconds} s were not logged one by one")]
    public static partial void FailuresSuppressed(ILogger logger, int suppressed, int count, string kind, double intervalSeconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The broker server cannot start on its data directory: {Reason}")]
    public static partial void DataDirectoryRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The broker server cannot start: {Reason}")]
    public static partial void CannotStart(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The broker server failed: {Reason}")]
    public static partial void Failed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not accept a connection; trying again every {RetryMs} ms (logged once per 10 s)")]
    public static partial void AcceptFailed(ILogger logger, Exception exception, double retryMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "The connection watchdog failed this round; it runs again in 250 ms (logged once per 10 s)")]
    public static partial void WatchFailed(ILogger logger, Exception exception);
}

using Microsoft.Extensions.Logging;

namespace Broker.Embedded;

/// <summary>The shared embedded broker's log lines (category <c>Broker.Embedded</c>).</summary>
internal static partial class EmbeddedLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Hosting the embedded broker in {Directory} for this machine's processes on {Socket} ({Channels} channel(s) recovered in {ElapsedMs} ms)")]
    public static partial void Hosting(ILogger logger, string directory, string socket, int channels, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the embedded broker in {Directory}, held by {Holder}, through its socket {Socket}")]
    public static partial void Client(ILogger logger, string directory, string holder, string socket);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took over hosting the embedded broker in {Directory}: the process that hosted it left")]
    public static partial void TookOver(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not host the embedded broker in {Directory} after the process that hosted it left; trying again every 10 s, and operations fail until it works")]
    public static partial void CannotHost(ILogger logger, Exception exception, string directory);
}

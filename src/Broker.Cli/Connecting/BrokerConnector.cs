using System.Net.Sockets;
using System.Security.Authentication;
using Broker.Client;
using Broker.Management;
using Microsoft.Extensions.Logging;

namespace Broker.Cli.Connecting;

/// <summary>
/// Opens the management API of a <see cref="Target"/>: the only place that knows how a server is connected to and how
/// a data directory is opened. A failure to get there is a <see cref="CliException"/> with
/// <see cref="ExitCodes.CannotConnect"/> whose message names the target.
/// </summary>
internal static class BrokerConnector
{
    /// <summary>Opens the target.</summary>
    /// <param name="target">The server or the data directory.</param>
    /// <param name="loggerFactory">Where the broker's own warnings go (standard error).</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="CliException">The target cannot be reached or opened.</exception>
    public static async Task<IBrokerManagementConnection> OpenAsync(Target target, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            return target switch
            {
                DataDirectoryTarget data => await OpenDirectoryAsync(data, loggerFactory, cancellationToken).ConfigureAwait(false),
                ServerTarget server => await ConnectAsync(server, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown target."),
            };
        }
        catch (Exception ex) when (IsUnreachable(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.CannotConnect, $"Cannot open the {target.Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Whether <paramref name="exception"/> means the broker cannot be reached, opened or authenticated with.</summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        CliException => false,
        OperationCanceledException => false,
        // Refused credentials, and a server that is not a broker (or not one of this version), are not reachable either.
        BrokerServerException => true,
        ServerConnectionException or SocketException or AuthenticationException or TimeoutException => true,
        // A directory another process holds without a read-only view, a damaged log, a missing permission.
        IOException or UnauthorizedAccessException => true,
        _ => false,
    };

    private static async Task<IBrokerManagementConnection> OpenDirectoryAsync(DataDirectoryTarget target, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        // Opening would create a missing directory: a typo must not leave an empty broker behind.
        if (!Directory.Exists(target.Directory))
            throw new CliException(ExitCodes.CannotConnect, $"Cannot open the {target.Name}: there is no such directory.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        return await EngineDirectoryConnection.OpenAsync(target.Directory, loggerFactory, timeout.Token).ConfigureAwait(false);
    }

    private static Task<IBrokerManagementConnection> ConnectAsync(ServerTarget target, CancellationToken cancellationToken)
    {
        _ = target;
        _ = cancellationToken;
        throw new CliException(ExitCodes.Failure, "UNFINISHED: --server lands with Broker.Client.ServerManagement.");
    }
}

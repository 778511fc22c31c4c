using System.Net.Sockets;
using System.Security.Authentication;
using Broker.Client;
using Broker.Engine.Management;
using Broker.Engine.Storage.Log;
using Broker.Management;
using Microsoft.Extensions.DependencyInjection;
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
            // The client's message names the address and what to check already.
            throw new CliException(ExitCodes.CannotConnect, ForCommandLine(ex.Message), ex);
        }
        catch (Exception ex) when (CannotOpen(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.CannotConnect, $"Cannot open the {target.Name}: {ex.Message}", ex);
        }
    }

    /// <summary>The client's advice in the command line's words: its options rather than the client library's properties.</summary>
    public static string ForCommandLine(string message) =>
        message.Replace("ServerClientOptions.Token, or User and Password,", $"--token (or {TargetResolver.TokenVariable}), or --user and --password (or {TargetResolver.UserVariable} and {TargetResolver.PasswordVariable}),", StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="exception"/>, at any point of a command, means the server cannot be reached: it does not
    /// answer, the connection was lost, TLS failed, or it refused the credentials (a <see cref="ServerConnectionException"/>
    /// whose inner exception says so).
    /// </summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is ServerConnectionException or SocketException or AuthenticationException or TimeoutException;

    // What opening a data directory throws when the directory cannot be used: not a data directory, a damaged log, a
    // file that cannot be read. Matched by type, not as any IOException: an assembly that fails to load is an
    // IOException too, and is not the directory's fault.
    private static bool CannotOpen(Exception exception) =>
        exception is DirectoryNotFoundException or NotADataDirectoryException or LogCorruptedException or UnauthorizedAccessException
        || exception.GetType() == typeof(IOException);

    private static async Task<IBrokerManagementConnection> OpenDirectoryAsync(DataDirectoryTarget target, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        // Opening would create a missing directory: a typo must not leave an empty broker behind.
        if (!Directory.Exists(target.Directory))
            throw new CliException(ExitCodes.CannotConnect, $"Cannot open the {target.Name}: there is no such directory.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        try
        {
            // Hosted by an application that shares it (UseEmbedded), the directory is managed live through its host,
            // changes included, as the application's own processes use it.
            if (await TryHostAsync(target, timeout.Token).ConfigureAwait(false) is { } hosted)
                return hosted;
            // Held by another process that does not share it, it opens as a read-only snapshot (BrokerStatus.ReadOnly
            // says so and why).
            return await EmbeddedManagement.OpenAsync(target.Directory, loggerFactory, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.CannotConnect, $"Cannot open the {target.Name}: reading it took longer than --timeout {target.Timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>
    /// Connects to the host of a shared directory through its socket; null when no process serves it (no socket, or one
    /// a host that died left behind: nothing answers on it).
    /// </summary>
    private static async Task<IBrokerManagementConnection?> TryHostAsync(DataDirectoryTarget target, CancellationToken cancellationToken)
    {
        var socket = Path.GetFullPath(Path.Combine(target.Directory, EmbeddedBrokerOptions.SocketFileName));
        if (!Path.Exists(socket))
            return null;
        try
        {
            var options = new ServerClientOptions { ClientName = "broker command line", ConnectTimeout = TimeSpan.FromSeconds(5) };
            return await ServerManagement.ConnectAsync("unix:" + socket, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ServerConnectionException)
        {
            return null;
        }
    }

    private static async Task<IBrokerManagementConnection> ConnectAsync(ServerTarget target, CancellationToken cancellationToken)
    {
        try
        {
            return await ServerManagement.ConnectAsync(target.Address, target.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            // The address does not parse: a mistake on the command line, not an unreachable server.
            throw new CliException(ExitCodes.Usage, ExitCodeMapping.WithoutParameter(ex), ex);
        }
    }
}

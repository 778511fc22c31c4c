using Broker.Cli.Connecting;
using Broker.Cli.Output;
using Broker.Cli.Settings;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Broker.Cli.Commands;

/// <summary>
/// A command that works on a broker: checks its arguments, opens the target (<see cref="BrokerConnector"/>), says so
/// when the target is a read-only view, runs, and closes the target again.
/// </summary>
/// <typeparam name="TSettings">The command's settings.</typeparam>
internal abstract class BrokerCommand<TSettings>(Terminal terminal) : AsyncCommand<TSettings>
    where TSettings : BrokerSettings
{
    /// <summary>Where the command writes.</summary>
    protected Terminal Terminal { get; } = terminal;

    /// <inheritdoc />
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Everything the command line can get wrong is said before connecting: a typo needs no broker to be reported.
        var target = TargetResolver.Resolve(settings, Environment.GetEnvironmentVariable);
        // A name no channel can have is a typo too: the server would only refuse it (InvalidRequest, code 1) after the
        // connection was made, and a data directory would throw its own argument error.
        if (settings is ChannelSettings { Channel: var channel } && !ChannelNameRules.IsValid(channel, out var nameError))
            throw new CliException(ExitCodes.Usage, nameError!);
        CheckArguments(settings);
        using var loggers = StandardErrorLoggerProvider.CreateFactory(Terminal.Error);
        var connection = await BrokerConnector.OpenAsync(target, loggers, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var readOnly = false;
            if (target is DataDirectoryTarget)
            {
                var status = await connection.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                readOnly = status.ReadOnly;
                if (readOnly)
                    Terminal.Error.MarkupLineInterpolated($"[yellow]Read-only:[/] {Formats.Printable(status.ReadOnlyReason ?? "this view cannot change the broker.")}");
            }
            var session = new BrokerSession(connection, target, Terminal, settings.Json, readOnly);
            return await RunAsync(session, settings, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks the command's own arguments; throws a <see cref="CliException"/> with <see cref="ExitCodes.Usage"/>.</summary>
    protected virtual void CheckArguments(TSettings settings)
    {
    }

    /// <summary>Does the command's work.</summary>
    /// <returns>The exit code.</returns>
    protected abstract Task<int> RunAsync(BrokerSession session, TSettings settings, CancellationToken cancellationToken);
}

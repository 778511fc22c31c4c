using Broker.Cli.Connecting;
using Broker.Client;
using Broker.Management;
using Spectre.Console.Cli;

namespace Broker.Cli;

/// <summary>Turns what ended a command into its exit code and the one message printed on standard error.</summary>
internal static class ExitCodeMapping
{
    /// <summary>The exit code and message for <paramref name="exception"/>.</summary>
    public static (int ExitCode, string Message) For(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            CliException cli => (cli.ExitCode, cli.Message),
            // Spectre's own parse and validation errors: an unknown option, a missing argument, "abc" for a number.
            CommandAppException => (ExitCodes.Usage, exception.Message),
            ManagementReadOnlyException => (ExitCodes.ReadOnly, exception.Message),
            OperationCanceledException => (ExitCodes.Interrupted, "Interrupted."),
            _ when BrokerConnector.IsUnreachable(exception) => (ExitCodes.CannotConnect, BrokerConnector.ForCommandLine(exception.Message)),
            BrokerServerException server => (ExitCodes.Failure, $"The server refused: {server.Message} ({server.Code})."),
            // A channel name or id the broker refuses as invalid (not merely absent) is a mistake on the command line.
            ArgumentException argument => (ExitCodes.Usage, WithoutParameter(argument)),
            _ => (ExitCodes.Failure, $"{exception.GetType().Name}: {exception.Message}"),
        };
    }

    /// <summary>An argument exception's message without the " (Parameter 'name')" that names a C# parameter, not an option.</summary>
    public static string WithoutParameter(ArgumentException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.ParamName is { } name
            ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : exception.Message;
    }
}

using Spectre.Console;

namespace Broker.Cli.Output;

/// <summary>
/// The question before a change: asked on the terminal, answered with y or n (no by default). Without a terminal to
/// ask on (a script, a pipe) the change needs <c>--yes</c>; the command refuses rather than waiting for an answer that
/// cannot come.
/// </summary>
internal static class Confirmation
{
    /// <summary>Returns when the change is confirmed; throws otherwise.</summary>
    /// <param name="terminal">Where to ask.</param>
    /// <param name="yes">Whether <c>--yes</c> was given.</param>
    /// <param name="question">The question, naming what changes and how much: "Purge 120 messages of 'orders'?".</param>
    /// <param name="cancellationToken">Cancels waiting for the answer.</param>
    /// <exception cref="CliException">Not confirmed (exit code <see cref="ExitCodes.NotConfirmed"/>).</exception>
    public static async Task RequireAsync(Terminal terminal, bool yes, string question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        if (yes)
            return;
        if (!terminal.CanAsk)
            throw new CliException(ExitCodes.NotConfirmed, $"Not confirmed, nothing was changed: standard input is not a terminal to ask \"{question}\" on. Add --yes to confirm on the command line.");
        var prompt = new ConfirmationPrompt(Markup.Escape(question)) { DefaultValue = false };
        if (!await prompt.ShowAsync(terminal.Error, cancellationToken).ConfigureAwait(false))
            throw new CliException(ExitCodes.NotConfirmed, "Not confirmed, nothing was changed.");
    }
}

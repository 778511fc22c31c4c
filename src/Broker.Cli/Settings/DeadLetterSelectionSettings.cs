using System.ComponentModel;
using Spectre.Console.Cli;

namespace Broker.Cli.Settings;

/// <summary>
/// <c>broker dead-letters redrive|delete &lt;channel&gt; (&lt;id&gt;... | --all | --error-contains &lt;text&gt;)</c>:
/// exactly one way of choosing the dead letters.
/// </summary>
internal sealed class DeadLetterSelectionSettings : ConfirmSettings
{
    [CommandArgument(1, "[id]")]
    [Description("Message ids of dead letters.")]
    public long[] Ids { get; set; } = [];

    [CommandOption("--all")]
    [Description("Every dead letter of the channel.")]
    public bool All { get; set; }

    [CommandOption("--error-contains <TEXT>")]
    [Description("Every dead letter whose error contains this text (ignoring case).")]
    public string? ErrorContains { get; set; }

    /// <summary>Checks that exactly one selector was given.</summary>
    /// <exception cref="CliException">None or several were (exit code <see cref="ExitCodes.Usage"/>).</exception>
    public void CheckSelection()
    {
        var given = (Ids.Length > 0 ? 1 : 0) + (All ? 1 : 0) + (ErrorContains is not null ? 1 : 0);
        if (given != 1)
            throw new CliException(ExitCodes.Usage, "Choose the dead letters in one way: their ids, --all, or --error-contains <text>.");
        if (ErrorContains is { Length: 0 })
            throw new CliException(ExitCodes.Usage, "--error-contains is empty: give the text to look for, or --all.");
        if (Ids.Any(id => id <= 0))
            throw new CliException(ExitCodes.Usage, $"Message ids are positive numbers (got {Ids.First(id => id <= 0)}).");
    }
}

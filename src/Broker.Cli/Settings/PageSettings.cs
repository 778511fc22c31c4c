using System.ComponentModel;
using Spectre.Console.Cli;

namespace Broker.Cli.Settings;

/// <summary>A command that shows a channel's messages page by page: <c>--limit</c> and <c>--after</c>.</summary>
internal class PageSettings : ChannelSettings
{
    /// <summary>The most a command shows at once: more reads better as further pages (<c>--after</c>).</summary>
    public const int MaxLimit = 10_000;

    [CommandOption("-n|--limit <N>")]
    [Description("Show at most N (1 to 10,000). Default 20.")]
    public int Limit { get; set; } = 20;

    [CommandOption("--after <ID>")]
    [Description("Only ids greater than this: the next page after the last id shown. Default 0.")]
    public long After { get; set; }

    /// <summary>Checks <see cref="Limit"/> and <see cref="After"/>.</summary>
    /// <exception cref="CliException">Either is out of range (exit code <see cref="ExitCodes.Usage"/>).</exception>
    public void CheckPage()
    {
        if (Limit is < 1 or > MaxLimit)
            throw new CliException(ExitCodes.Usage, $"--limit must be from 1 to {MaxLimit:N0} (got {Limit}); page on with --after.");
        if (After < 0)
            throw new CliException(ExitCodes.Usage, $"--after must be 0 or a message id (got {After}).");
    }
}

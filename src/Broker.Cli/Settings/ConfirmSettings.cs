using System.ComponentModel;
using Spectre.Console.Cli;

namespace Broker.Cli.Settings;

/// <summary>A command that changes a channel and asks first unless <c>--yes</c>.</summary>
internal class ConfirmSettings : ChannelSettings
{
    [CommandOption("-y|--yes")]
    [Description("Do it without asking. Required when standard input is not a terminal (scripts).")]
    public bool Yes { get; set; }
}

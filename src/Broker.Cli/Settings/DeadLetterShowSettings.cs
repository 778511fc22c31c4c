using System.ComponentModel;
using Spectre.Console.Cli;

namespace Broker.Cli.Settings;

/// <summary><c>broker dead-letters show &lt;channel&gt; &lt;id&gt;</c>.</summary>
internal sealed class DeadLetterShowSettings : ChannelSettings
{
    [CommandArgument(1, "<id>")]
    [Description("The dead letter's message id.")]
    public long Id { get; set; }
}

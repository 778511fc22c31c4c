using System.ComponentModel;
using Spectre.Console.Cli;

namespace Broker.Cli.Settings;

/// <summary>A command on one channel.</summary>
internal class ChannelSettings : BrokerSettings
{
    [CommandArgument(0, "<channel>")]
    [Description("The channel name, as `broker channels` lists it.")]
    public string Channel { get; set; } = "";
}

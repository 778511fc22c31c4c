using System.ComponentModel;
using Spectre.Console.Cli;

namespace Broker.Cli.Settings;

/// <summary><c>broker channels [filter] [--interval 1s] [--sort name]</c>.</summary>
internal sealed class ChannelsSettings : BrokerSettings
{
    [CommandArgument(0, "[filter]")]
    [Description("Only channels whose name contains this text, or matches it as a pattern with * (orders/*).")]
    public string? Filter { get; set; }

    [CommandOption("-i|--interval <DURATION>")]
    [Description("Time between the two snapshots the rates come from: 1s, 500ms, 5s; 0 for counts only, at once. Default 1s.")]
    public string? Interval { get; set; }

    [CommandOption("--sort <ORDER>")]
    [Description("name (the default), ready, in-flight, dead-letters or age (the oldest message first); the largest first.")]
    public string? Sort { get; set; }
}

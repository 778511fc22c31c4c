using System.ComponentModel;
using Spectre.Console.Cli;

namespace Broker.Cli.Settings;

/// <summary><c>broker stats [--interval 1s]</c>.</summary>
internal sealed class StatsSettings : BrokerSettings
{
    [CommandOption("-i|--interval <DURATION>")]
    [Description("Time between the two snapshots the throughput comes from; 0 for the figures only, at once. Default 1s.")]
    public string? Interval { get; set; }
}

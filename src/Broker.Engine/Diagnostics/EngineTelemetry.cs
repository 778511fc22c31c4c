using System.Diagnostics.Metrics;
using Broker.Diagnostics;

namespace Broker.Engine.Diagnostics;

/// <summary>What the engine's meters share: their name and version, and the tag that names a channel.</summary>
internal static class EngineTelemetry
{
    /// <summary>The tag naming a channel on per-channel instruments, as OpenTelemetry's messaging conventions name it.</summary>
    public const string ChannelTag = "messaging.destination.name";

    private static readonly string Version = typeof(EngineTelemetry).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// A new meter named <see cref="BrokerTelemetry.EngineMeterName"/>. Each engine and each log owns one and disposes it
    /// with itself, so a process that opens many (tests, tools) keeps no instrument or callback of a closed one.
    /// </summary>
    public static Meter CreateMeter() => new(new MeterOptions(BrokerTelemetry.EngineMeterName) { Version = Version });
}

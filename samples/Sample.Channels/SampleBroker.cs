using Broker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Sample.Channels;

/// <summary>
/// Which broker the sample apps share, from the command line: <c>--data &lt;dir&gt;</c> for the embedded broker (the
/// default, in <c>./broker-data</c>; the app and the workers run on one directory at once, the first to open it hosting
/// it for the others: docs/shared-embedded.md), or <c>--server &lt;host:port&gt;</c> for a running <c>broker-server</c>.
/// </summary>
public static class SampleBroker
{
    /// <summary>The embedded broker's directory when none is given.</summary>
    public const string DefaultDataDirectory = "broker-data";

    /// <summary>Chooses the adapter from configuration.</summary>
    public static BrokerBuilder UseSampleBroker(this BrokerBuilder builder, IConfiguration configuration)
    {
        if (configuration["server"] is { } server)
            return builder.UseServer(server);
        // Small segments: the sample's backlog is tiny, and each segment is preallocated on disk.
        return builder.UseEmbedded(configuration["data"] ?? DefaultDataDirectory, o => o.SegmentBytes = 4 * 1024 * 1024);
    }
}

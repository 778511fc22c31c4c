using Broker.Engine.Tests.Support;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

/// <summary>
/// A channel with one message costs bytes, not pages. Measured in the serial collection: the figure is the whole
/// process's heap, and a test running beside it would count in it (CI once saw 3,169 bytes against 2,928 alone).
/// </summary>
[Collection(Serial.Name)]
public sealed class ChannelMemoryTests
{
    [Fact]
    public async Task ChannelsWithOneMessageEachCostBytesNotPages()
    {
        const int Channels = 20_000;
        await using var h = new EngineHarness(options: new QueueEngineOptions { MaxChannels = Channels + 1 });
        // A first channel warms up the types, so the measurement counts channels, not one-time statics.
        await h.Produce(Channel("warm-up"), "twelve bytes");
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < Channels; i++)
            await h.Produce(Channel("tenant-" + i + "/events"), "twelve bytes");

        var perChannel = (GC.GetTotalMemory(forceFullCollection: true) - before) / Channels;
        // Measured 2.9 KiB (the queue's collections, its name, the store's copy and the dictionaries around them);
        // the old message table alone took 56 KiB per channel.
        Assert.True(perChannel < 3584, $"A channel with one message costs {perChannel} bytes.");
        Assert.Equal(Channels + 1, h.Engine.ChannelCount);
        GC.KeepAlive(h);
    }
}

using System.Collections.Concurrent;
using Broker.Client;
using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Faults;

/// <summary>
/// A client that produces to 20,000 new channel names against a real broker-server: the server holds --max-channels
/// of them (10,000 by default), refuses the rest with LimitReached and stores nothing of them, and its memory grows by
/// kilobytes per channel, not the 70 KiB each that it took before, after a restart too. A drained channel gives its
/// place back.
/// </summary>
[Collection(Serial.Name)]
public sealed class ChannelFloodTests(ITestOutputHelper output)
{
    private const int Names = 20_000;
    private const int Limit = 10_000;

    [Fact]
    public async Task NewChannelsPastTheLimitAreRefusedAndEachHeldChannelCostsKilobytes()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, "--segment-bytes", "64MiB");
        await using var client = TestServer.CreateTransport(server.Address);
        await client.ProduceAsync(Payloads.Message(new ChannelDefinition("warm/up"), "x"), CancellationToken.None);
        var baseline = ProcessMemory.ResidentBytes(server.Process.Id);

        var stored = new ConcurrentBag<string>();
        var refused = new ConcurrentBag<string>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Names; i = Interlocked.Increment(ref next))
            {
                var channel = new ChannelDefinition($"tenant-{i}/events");
                try
                {
                    await client.ProduceAsync(Payloads.Message(channel, "twelve bytes"), CancellationToken.None);
                    stored.Add(channel.Name);
                }
                catch (BrokerServerException ex) when (ex.Code == ErrorCodes.LimitReached)
                {
                    Assert.Contains("--max-channels", ex.Message, StringComparison.Ordinal);
                    refused.Add(channel.Name);
                }
            }
        })));
        var flooded = ProcessMemory.ResidentBytes(server.Process.Id);

        // The warm-up channel holds one place.
        Assert.Equal(Limit - 1, stored.Count);
        Assert.Equal(Names - Limit + 1, refused.Count);
        var refusedName = refused.First();
        Assert.Equal(0, (await client.GetStatsAsync(refusedName)).LastId);

        await server.KillAsync();
        await server.StartAsync();
        await using var after = TestServer.CreateTransport(server.Address);
        await after.GetStatsAsync("warm/up");
        var restarted = ProcessMemory.ResidentBytes(server.Process.Id);
        var baselineAfter = restarted;
        output.WriteLine($"RSS: baseline {ProcessMemory.MiB(baseline)}, after {stored.Count} channels {ProcessMemory.MiB(flooded)} (+{ProcessMemory.MiB(flooded - baseline)}, {(flooded - baseline) / stored.Count} bytes a channel), after a restart {ProcessMemory.MiB(restarted)}");
        // Measured +113 MiB right after the flood (requests' garbage not yet collected) and +28 MiB after a restart, for
        // 10,000 channels; the old message table alone took 70 KiB a channel, 700 MiB.
        Assert.True(flooded - baseline < 150L * 1024 * 1024, $"10,000 channels took {ProcessMemory.MiB(flooded - baseline)}.");
        Assert.True(restarted - baseline < 150L * 1024 * 1024, $"After a restart the server holds {ProcessMemory.MiB(restarted)} ({ProcessMemory.MiB(baseline)} before the flood).");

        // A channel that is drained gives its place back: the refused name can now be created.
        var drained = new ChannelDefinition(stored.First());
        await using (var worker = await after.SubscribeAsync(drained, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None))
            Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(await worker.NextAsync(), CancellationToken.None));
        await Waits.UntilAsync(async () =>
        {
            try
            {
                await after.ProduceAsync(Payloads.Message(new ChannelDefinition(refusedName), "now there is room"), CancellationToken.None);
                return true;
            }
            catch (BrokerServerException ex) when (ex.Code == ErrorCodes.LimitReached)
            {
                return false;
            }
        }, "the drained channel's place to be free");
    }
}

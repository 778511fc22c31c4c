using System.Diagnostics;
using Broker.Server.Configuration;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Memory;

/// <summary>
/// The finding as it was reported, against the real executable: a subscriber with credit 10,000 that never reads its
/// socket, over a backlog of 100 KB messages, held for a minute while the server's resident memory is sampled every
/// second. Before the fix the server grew by the whole backlog (about 1 GB in 4 s with a larger one).
/// </summary>
[Collection(Serial.Name)]
public sealed class StuckSubscriberProcessTests(ITestOutputHelper output)
{
    private static readonly ChannelDefinition Jobs = new("jobs/large");
    private static readonly ChannelDefinition Live = new("jobs/live");
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task AStuckSubscriberHeldForAMinuteKeepsTheServersMemoryWithinTheDocumentedBound()
    {
        using var data = new TempDirectory();
        // The slow-consumer close is put off past the minute, so the subscriber stays stuck throughout.
        await using var server = await ServerProcess.StartAsync(data.Path, "--write-timeout", "5m");
        var pid = server.Process.Id;
        await using var producer = TestServer.CreateTransport(server.Address);
        await StuckSubscriberTests.ProduceBacklogAsync(producer, Jobs, StuckSubscriberTests.Backlog);
        await using var other = TestServer.CreateTransport(server.Address);
        // A hundred round trips a second: enough to show the server serves others meanwhile, little enough garbage that
        // the samples show what the stuck subscriber costs.
        var traffic = LiveTraffic.Start(other, Live, pace: TimeSpan.FromMilliseconds(10));
        // The server's resident memory first grows under that traffic until its young generation is full and the GC
        // starts collecting it: the baseline is taken once it has settled (no more than 2 MiB over ten seconds).
        var settling = new List<long>();
        await Waits.UntilAsync(
            async () =>
            {
                settling.Add(ProcessMemory.ResidentBytes(pid));
                await Task.Delay(SampleEvery);
                return settling.Count >= 10 && settling[^1] - settling[^10] <= 2 * 1024 * 1024;
            },
            "the server's memory to settle under the other client's traffic",
            TimeSpan.FromMinutes(2));
        var baseline = settling.TakeLast(10).Max();

        await using var stuck = await RawConnection.OpenAsync(server.Port, receiveBufferSize: 4096);
        await stuck.SendAsync(FrameBuilder.Subscribe(1, Jobs.Name, 1, StuckSubscriberTests.Credit));
        var peak = baseline;
        var samples = new List<long>();
        var leased = 0;
        var roundTripsAtStart = traffic.RoundTrips;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Held)
        {
            var rss = ProcessMemory.ResidentBytes(pid);
            samples.Add(rss);
            peak = Math.Max(peak, rss);
            leased = Math.Max(leased, (await producer.GetStatsAsync(Jobs.Name)).Leased);
            await Task.Delay(SampleEvery);
        }
        var roundTrips = traffic.RoundTrips - roundTripsAtStart;
        await traffic.KeepsGoingAsync();
        var stillHeld = (await producer.GetStatsAsync(Jobs.Name)).Leased;
        await traffic.StopAsync();

        // Resident memory holds more than what the server keeps for the connection (the GC's free space, the runtime),
        // so it is held to the whole per-connection bound; the in-process tests hold managed memory to the tighter
        // figure for a subscriber that only consumes (printed too).
        var defaults = new BrokerServerOptions { DataDirectory = data.Path };
        var bound = DocumentedBound.Connection(defaults);
        output.WriteLine($"baseline RSS {ProcessMemory.MiB(baseline)} (settled after {settling.Count} s); peak {ProcessMemory.MiB(peak)} (+{ProcessMemory.MiB(peak - baseline)}; per-connection bound {ProcessMemory.MiB(bound)}, for a subscriber that only consumes {ProcessMemory.MiB(DocumentedBound.StuckSubscriber(defaults, StuckSubscriberTests.Credit))}) over {samples.Count} samples; the other client made {roundTrips} round trips meanwhile, the longest {traffic.LongestRoundTrip.TotalMilliseconds:0} ms");
        output.WriteLine("settling samples (MiB): " + string.Join(' ', settling.Select(s => (s / 1024 / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        output.WriteLine("RSS samples (MiB): " + string.Join(' ', samples.Select(s => (s / 1024 / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture))));

        // The whole backlog was granted to the stuck subscriber, and it was still stuck (not closed) at the end.
        Assert.Equal(StuckSubscriberTests.Backlog, leased);
        Assert.Equal(StuckSubscriberTests.Backlog, stillHeld);
        Assert.InRange(peak - baseline, long.MinValue, bound);
        Assert.True(roundTrips >= 1000, $"The other client made only {roundTrips} round trips in a minute.");
    }
}

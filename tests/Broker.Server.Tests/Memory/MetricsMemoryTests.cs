using System.Diagnostics.Metrics;
using Broker.Diagnostics;
using Broker.Server.Prometheus;
using Broker.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Memory;

/// <summary>
/// What the metrics exporter holds for the engine's four per-channel gauges, against docs/server.md ("Limits and
/// memory"): label sets rendered once and shared by the four gauges, a series per gauge and channel, and the scrape's
/// text twice (the cached one, and free chunks for the next), four times once slow responses have held older texts.
/// Rescraping an unchanged set of channels allocates almost nothing. Before, every scrape rebuilt every label string and rendered one string of the whole text (28 MB of UTF-16
/// for 20,000 channels, on the large-object heap), and the process grew by 500 MB under a flood of scrapes.
/// </summary>
[Collection(Serial.Name)]
public sealed class MetricsMemoryTests(ITestOutputHelper output)
{
    private const int Channels = 20_000;

    [Theory]
    [InlineData(128)]
    [InlineData(16)]
    public async Task TwentyThousandChannelsHoldNoMoreThanTheDocumentedBound(int nameChars)
    {
        var id = "t" + Guid.NewGuid().ToString("N")[..12];
        // As the engine does: each channel's tags made once, its name as long as names go (128 characters).
        var tags = Enumerable.Range(0, Channels)
            .Select(i => new KeyValuePair<string, object?>[] { new("messaging.destination.name", $"c/{new string('x', nameChars - 8)}{i:D6}") })
            .ToArray();
        using var meter = new Meter(BrokerTelemetry.EngineMeterName);
        foreach (var gauge in new[] { "ready", "delayed", "in_flight", "dead_letters" })
            meter.CreateObservableGauge($"{id}.{gauge}", () => Observe(tags), "{message}", "Messages.");
        var time = new FakeTimeProvider();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var collector = new MetricsCollector(Channels + 1024, NullLogger.Instance, time);

        var length = await ScrapeAsync(collector, time);
        await ScrapeAsync(collector, time);
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        const int Rescrapes = 10;
        for (var i = 0; i < Rescrapes; i++)
            await ScrapeAsync(collector, time);
        var perScrape = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Rescrapes;
        var heldAfter = GC.GetTotalMemory(forceFullCollection: true) - before;
        // Slow responses, each still sending the text of another window: as many as the collector lets be alive.
        var sending = new List<Exposition>();
        for (var i = 0; i < MetricsCollector.MaxExpositions + 2; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            sending.Add(await collector.ScrapeAsync(CancellationToken.None));
        }
        var heldSending = GC.GetTotalMemory(forceFullCollection: true) - before;
        foreach (var exposition in sending)
            exposition.Release();
        await ScrapeAsync(collector, time);
        var heldAfterSending = GC.GetTotalMemory(forceFullCollection: true) - before;

        var bound = DocumentedBound.Metrics(Channels, nameChars, length);
        var sendingBound = DocumentedBound.MetricsWhileSending(Channels, nameChars, length);
        output.WriteLine($"{Channels} channels x 4 gauges ({collector.Series} series, {collector.LabelSets} label sets), a scrape of {ProcessMemory.MiB(length)}: held {ProcessMemory.MiB(held)} ({held / Channels} bytes a channel), after {Rescrapes} more scrapes {ProcessMemory.MiB(heldAfter)}; bound {ProcessMemory.MiB(bound)}; a rescrape allocates {perScrape} bytes ({(double)perScrape / Channels:0.0} a channel); with slow responses holding old texts {ProcessMemory.MiB(heldSending)} (bound {ProcessMemory.MiB(sendingBound)}), once they finished {ProcessMemory.MiB(heldAfterSending)}");
        Assert.InRange(held, 0, bound);
        Assert.InRange(heldAfter, 0, bound);
        Assert.InRange(heldSending, 0, sendingBound);
        // The chunks the slow responses held are kept for the next scrapes (no garbage, no new ones): within the same bound.
        Assert.InRange(heldAfterSending, 0, sendingBound);
        // The engine's side: Measurement<T> copies its tags (a 40-byte array per channel and gauge). The exporter's
        // side: a few small arrays per scrape, nothing per series.
        Assert.InRange(perScrape, 0, (Channels * 4 * 40) + (64 * 1024));
    }

    /// <summary>As the engine's gauges report: one measurement per channel, with the channel's own tags.</summary>
    private static IEnumerable<Measurement<int>> Observe(KeyValuePair<string, object?>[][] tags)
    {
        foreach (var channel in tags)
            yield return new Measurement<int>(1, channel);
    }

    /// <summary>A fresh scrape (the cache window passed), released as the endpoint does once it is sent; its length.</summary>
    private static async Task<long> ScrapeAsync(MetricsCollector collector, FakeTimeProvider time)
    {
        time.Advance(TimeSpan.FromMinutes(1));
        var exposition = await collector.ScrapeAsync(CancellationToken.None);
        exposition.Release();
        return exposition.Length;
    }
}

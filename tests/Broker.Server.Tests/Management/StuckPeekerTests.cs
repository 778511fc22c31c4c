using Broker.Protocol.Messages;
using Broker.Server.Tests.Infrastructure;
using Broker.Server.Tests.Memory;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Management;

/// <summary>
/// A client that pipelines thousands of peeks at a channel of 1 MiB messages and never reads its socket: each peek
/// reserves room for its whole reply before it copies a message, so the server holds the outbound queue and a little
/// bookkeeping per waiting request, not a copy of the channel per peek (6,000 peeks of 1 MiB would be 6 GB).
/// </summary>
[Collection(Serial.Name)]
public sealed class StuckPeekerTests(ITestOutputHelper output)
{
    private const int Messages = 20;
    private const int Peeks = 6_000;
    // What a peek waiting for room holds (its request, the tasks awaiting the reservation), generously.
    private const long WaitingPeekBytes = 1024;

    private static readonly ChannelDefinition Big = new("jobs/big");
    private static readonly ChannelDefinition Live = new("jobs/live");

    [Fact]
    public async Task PeeksOfAClientThatNeverReadsHoldNoMoreThanTheOutboundQueue()
    {
        // The slow-consumer close is put off so the client stays stuck for the whole measurement.
        await using var server = await TestServer.StartAsync(o => o with { WriteTimeout = TimeSpan.FromMinutes(5), AuthTimeout = TimeSpan.FromMinutes(5) });
        var options = server.Options;
        await using var app = server.CreateTransport();
        var text = new string('x', options.MaxMessageBytes - 32);
        for (var i = 0; i < Messages; i++)
            await app.ProduceAsync(Payloads.Message(Big, text), CancellationToken.None);
        await using var stuck = await RawConnection.OpenAsync(server.Port, receiveBufferSize: 4096);
        var traffic = LiveTraffic.Start(app, Live);
        await traffic.KeepsGoingAsync();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var peeks = Enumerable.Range(1, Peeks).Select(i => ManagementRequestTests.Frame((uint)i, new PeekRequest(Big.Name, 0, 10_000))).ToList();
        // Not awaited: once the server stops reading, the rest of the peeks wait in the socket buffers for good.
        _ = stuck.SendAsync(peeks);
        // The outbound queue fills with replies; the server then holds the rest of the peeks it read, waiting for room,
        // up to --max-in-flight-requests, and stops reading the connection.
        Network.ServerConnection? connection = null;
        await Waits.UntilAsync(
            () => (connection = server.Server.Connections.FirstOrDefault(c => c.OutboundBytes > options.MaxOutboundBytes - 2L * options.MaxFrameBytes)) is not null,
            "the stuck client's outbound queue to fill");
        await Waits.UntilAsync(() => connection!.RequestsInFlight >= Math.Min(Peeks, options.MaxInFlightRequests) - 16, "the server to hold as many peeks as it reads");
        await traffic.KeepsGoingAsync();

        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        var waiting = connection!.RequestsInFlight;
        var peak = connection.OutboundPeakBytes;
        await traffic.KeepsGoingAsync();
        await traffic.StopAsync();
        var bound = DocumentedBound.ReadBuffer(options) + DocumentedBound.Outbound(options) + options.MaxInFlightRequests * WaitingPeekBytes;
        output.WriteLine($"{Peeks} peeks of {Messages} messages of 1 MiB: {waiting} wait for room; the server holds {ProcessMemory.MiB(held)} more managed memory (bound {ProcessMemory.MiB(bound)}); outbound queue at most {ProcessMemory.MiB(peak)} of {ProcessMemory.MiB(options.MaxOutboundBytes)}; the other client made {traffic.RoundTrips} round trips, the longest {traffic.LongestRoundTrip.TotalMilliseconds:0} ms");

        Assert.InRange(held, long.MinValue, bound);
        Assert.InRange(peak, 0, options.MaxOutboundBytes + DocumentedBound.Replies(options));
        Assert.Equal(Messages, server.Engine.GetStats(Big.Name).Ready);
    }
}

using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Memory;

/// <summary>
/// The slow-consumer close is for sockets that take nothing, not for readers that are slow but keep reading: a batch of
/// deliveries of several megabytes written to a reader taking a couple of MB a second outlasts the write timeout
/// as a whole, but every slice of it arrives well within it. The write timeout is 3 s, not less: on a loaded 2-core
/// machine running several test assemblies at once, the reading test itself can be starved for a second, which is a stall
/// the server is right to punish, not what this test is about.
/// </summary>
[Collection(Serial.Name)]
public sealed class SlowSteadyReaderTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/steady");

    [Fact]
    public async Task AReaderThatKeepsReadingSlowlyIsNotClosedAsASlowConsumer()
    {
        const int Messages = 120;
        var log = new ListLoggerFactory();
        await using var server = await TestServer.StartAsync(o => o with { WriteTimeout = TimeSpan.FromSeconds(3) }, loggers: log);
        await using (var producer = server.CreateTransport())
        {
            // 120 messages of 100 KB: 12 MB, more than the socket buffers of both ends hold (the kernel grows a loopback
            // socket's up to 4 MiB), so the server's outbound queue fills (8 MiB) and a batch of megabytes is written to
            // a reader that takes it at its own pace.
            var text = new string('x', 100_000);
            await Task.WhenAll(Enumerable.Range(0, Messages).Select(_ => producer.ProduceAsync(Payloads.Message(Jobs, text), CancellationToken.None).AsTask()));
        }
        // A receive buffer of 64 KiB (the kernel doubles it): more than a loopback segment, so the window keeps opening as it reads.
        await using var reader = await RawConnection.OpenAsync(server.Port, receiveBufferSize: 256 * 1024);
        await reader.SendAsync(FrameBuilder.Subscribe(1, Jobs.Name, 1, Messages));
        await Waits.UntilAsync(() => server.Engine.GetStats(Jobs.Name).Leased == Messages, "the backlog to be granted");

        // About 1 MB a second at most: a batch of megabytes (up to 8 MiB) takes several write timeouts, each 256 KiB slice
        // a twelfth of one.
        var deliveries = 0;
        while (deliveries < Messages)
        {
            RawFrame frame;
            try
            {
                frame = await reader.ReceiveAsync();
            }
            catch (IOException ex)
            {
                throw new IOException($"Closed after {deliveries} deliveries: {string.Join(" | ", log.Messages.TakeLast(5))}", ex);
            }
            Assert.NotEqual(MessageType.Error, frame.Type);
            if (frame.Type == MessageType.Delivery)
                deliveries++;
            await Task.Delay(100);
        }

        Assert.False(log.Contains("slow consumer"), "The steady reader was closed as a slow consumer.");
        Assert.Equal(1, server.Engine.GetStats(Jobs.Name).Subscriptions);
    }
}

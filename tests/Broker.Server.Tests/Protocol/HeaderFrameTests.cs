using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Protocol;

/// <summary>
/// A message of the largest size with headers of the largest size fits the smallest frame limit the server accepts,
/// both ways: the Produce frame in, the Delivery frame out.
/// </summary>
public sealed class HeaderFrameTests
{
    [Fact]
    public async Task AFullSizeMessageWithFullHeadersFitsTheSmallestFrameLimit()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxMessageBytes = 64 * 1024, MaxFrameBytes = 64 * 1024 + 20 * 1024 });
        await using var client = server.CreateTransport();
        var channel = await client.OpenChannelAsync(new ChannelDefinition("jobs/full"), CancellationToken.None);
        var headers = HeaderCodec.Encode(new Dictionary<string, string> { ["k"] = new string('h', HeaderCodec.MaxBytes - 13) }, "jobs/full");
        var payload = new byte[64 * 1024];
        Assert.Equal(HeaderCodec.MaxBytes, headers.Length);

        var produced = await channel.ProduceAsync(new OutgoingMessage(payload, null, TimeSpan.Zero, 0) { Headers = headers }, CancellationToken.None);
        await using var subscription = await channel.SubscribeAsync(new SubscriptionSettings(1, TimeSpan.FromMinutes(1)), CancellationToken.None);
        var delivery = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Broker.Conformance.Waits.Generous);

        Assert.True(produced.IsEnqueued);
        Assert.Equal(payload.Length, delivery.Payload.Length);
        Assert.Equal(headers, delivery.Headers.ToArray());
    }
}

using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Client;

/// <summary>The client adapter against an in-process server: the basic exchanges every other test builds on.</summary>
public sealed class RoundTripTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/render");

    [Fact]
    public async Task ProducedMessageIsDeliveredAndCompleted()
    {
        await using var server = await TestServer.StartAsync();
        await using var transport = server.CreateTransport();

        var produced = await transport.ProduceAsync(Payloads.Message(Jobs, "frame 1"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(Jobs, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        var delivery = await subscription.NextAsync();

        Assert.Equal(ProduceStatus.Enqueued, produced.Status);
        Assert.Equal(produced.MessageId, delivery.Id);
        Assert.Equal("frame 1", delivery.Text());
        Assert.Equal(1, delivery.Tries);
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, CancellationToken.None));
        Assert.Equal(0, server.Engine.GetStats(Jobs.Name).Unfinished);
    }
}

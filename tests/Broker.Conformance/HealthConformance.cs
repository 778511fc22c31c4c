using Broker.Transport;

namespace Broker.Conformance;

/// <summary>
/// Every adapter reports its health: a working broker is healthy before, while and after it carries a message, checking
/// disturbs no delivery, and a disposed broker is unhealthy, reported rather than thrown.
/// </summary>
public abstract class HealthConformance(IBrokerFixture fixture)
{
    private static readonly byte[] EmptyDocument = [5, 0, 0, 0, 0];

    [Fact]
    public async Task AWorkingBrokerIsHealthyAndCheckingDisturbsNoDelivery()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>().Definition;
        await using var subscription = await broker.Transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromMinutes(1)), CancellationToken.None);

        var before = await CheckAsync(broker.Transport);
        await broker.Transport.ProduceAsync(new ChannelMessage(channel, EmptyDocument, null, TimeSpan.Zero, 0), CancellationToken.None);
        var delivery = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
        var during = await CheckAsync(broker.Transport);
        var settled = await subscription.CompleteAsync(delivery, CancellationToken.None);
        var after = await CheckAsync(broker.Transport);

        Assert.All([before, during, after], health => Assert.True(health.Status == TransportHealthStatus.Healthy, health.ToString()));
        Assert.Equal((1, SettleOutcome.Completed), (delivery.Tries, settled));
    }

    [Fact]
    public async Task ADisposedBrokerIsUnhealthyAndSaysSo()
    {
        using var timeout = new CancellationTokenSource(Waits.Generous);
        var transport = await fixture.CreateTransportAsync(timeout.Token);
        await transport.DisposeAsync();

        var health = await transport.CheckHealthAsync(timeout.Token);

        Assert.Equal(TransportHealthStatus.Unhealthy, health.Status);
        Assert.Contains("disposed", health.Description, StringComparison.Ordinal);
    }

    private static async Task<TransportHealth> CheckAsync(IQueueTransport transport)
    {
        using var timeout = new CancellationTokenSource(Waits.Generous);
        return await transport.CheckHealthAsync(timeout.Token);
    }
}

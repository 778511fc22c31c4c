using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

public sealed class TransportTests
{
    [Fact]
    public async Task TransportCarriesProduceSubscribeSettleAndDeadLetters()
    {
        var time = new FakeTimeProvider(Start);
        await using IQueueTransport transport = new EngineTransport(new QueueEngine(new Storage.MemoryQueueStore(), timeProvider: time), ownsEngine: true);
        var orders = Channel(maxAttempts: 1);
        Assert.Same(time, transport.TimeProvider);

        var produced = await transport.ProduceAsync(new ChannelMessage(orders, Bytes("job"), null, TimeSpan.Zero, 0), default);
        await using var subscription = await transport.SubscribeAsync(orders, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), default);
        var delivery = Single(subscription);
        Assert.Equal((produced.MessageId, "job"), (delivery.Id, Text(delivery)));

        Assert.Equal(SettleOutcome.DeadLettered, await subscription.FailAsync(delivery, FailureKind.Transient, "boom", default));
        var dead = Assert.Single(await transport.ListDeadLettersAsync(orders, 0, 10, default));
        Assert.Equal("boom", (await transport.GetDeadLetterAsync(orders, dead.Id, default))!.Error);
        Assert.True(await transport.RedriveDeadLetterAsync(orders, dead.Id, default));
        var again = Single(subscription);
        Assert.Equal(1, again.Tries);
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(again, default));
        Assert.False(await transport.DeleteDeadLetterAsync(orders, dead.Id, default));
    }

    [Fact]
    public async Task TransportDisposalCompletesSubscriptionsOfAnOwnedEngine()
    {
        var transport = new EngineTransport(new QueueEngine(new Storage.MemoryQueueStore(), timeProvider: new FakeTimeProvider(Start)), ownsEngine: true);
        var subscription = await transport.SubscribeAsync(Channel(), new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), default);

        await transport.DisposeAsync();

        await subscription.Deliveries.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
            await transport.ProduceAsync(new ChannelMessage(Channel(), Bytes("late"), null, TimeSpan.Zero, 0), default));
    }

    [Fact]
    public async Task UseInMemoryRegistersAnEngineTransportOnTheRegisteredClock()
    {
        var time = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        new BrokerBuilder(services).UseInMemory(o => o.MaxMessageBytes = 8);
        await using var provider = services.BuildServiceProvider();

        var transport = provider.GetRequiredService<IQueueTransport>();

        var engineTransport = Assert.IsType<EngineTransport>(transport);
        Assert.Same(time, engineTransport.TimeProvider);
        Assert.Equal(8, engineTransport.Engine.MaxMessageBytes);
        Assert.Same(transport, provider.GetRequiredService<IQueueTransport>());
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await transport.ProduceAsync(new ChannelMessage(Channel(), new byte[9], null, TimeSpan.Zero, 0), default));
    }

    [Fact]
    public void UseInMemoryDefaultsToTheSystemClock()
    {
        var services = new ServiceCollection();
        var builder = new BrokerBuilder(services).UseInMemory();
        using var provider = services.BuildServiceProvider();

        Assert.Equal("InMemory", builder.TransportName);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<IQueueTransport>().TimeProvider);
    }
}

using System.Collections.Concurrent;
using Broker.Engine.Storage;
using Broker.Transport;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

public sealed class StressTests
{
    [Fact]
    public async Task ConcurrentProducersAndConsumersDeliverAndCompleteEveryMessageExactlyOnce()
    {
        const int Producers = 4;
        const int PerProducer = 5_000;
        const int Total = Producers * PerProducer;
        await using var engine = new QueueEngine(new MemoryQueueStore(), timeProvider: TimeProvider.System);
        var orders = Channel("stress");
        var deliveries = new ConcurrentDictionary<long, int>();
        var completed = new ConcurrentDictionary<long, int>();
        var produced = new ConcurrentDictionary<long, string>();
        var allCompleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completedCount = 0;

        var subscriptions = new List<EngineSubscription>();
        for (var i = 0; i < 3; i++)
            subscriptions.Add(await engine.SubscribeAsync(orders, new SubscriptionSettings(8, TimeSpan.FromMinutes(5))));
        var consumers = subscriptions.Select(subscription => Task.Run(async () =>
        {
            await foreach (var delivery in subscription.Deliveries.ReadAllAsync())
            {
                deliveries.AddOrUpdate(delivery.Id, 1, (_, n) => n + 1);
                if (await subscription.CompleteAsync(delivery, default) == SettleOutcome.Completed)
                {
                    completed.AddOrUpdate(delivery.Id, 1, (_, n) => n + 1);
                    if (Interlocked.Increment(ref completedCount) == Total)
                        allCompleted.TrySetResult();
                }
            }
        })).ToArray();

        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                var text = $"p{p}-{i}";
                var result = await engine.ProduceAsync(new ChannelMessage(orders, Bytes(text), null, TimeSpan.Zero, i % 3));
                Assert.True(produced.TryAdd(result.MessageId, text));
            }
        })).ToArray();

        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(60));
        await allCompleted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        foreach (var subscription in subscriptions)
            await subscription.StopDeliveriesAsync(default);
        await Task.WhenAll(consumers).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Total, produced.Count);
        Assert.Equal(produced.Keys.Order(), deliveries.Keys.Order());
        Assert.All(deliveries.Values, n => Assert.Equal(1, n));
        Assert.All(completed.Values, n => Assert.Equal(1, n));
        Assert.Equal(Total, completed.Count);
        Assert.Equal(0, engine.GetStats("stress").Unfinished);
    }
}

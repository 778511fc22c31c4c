using System.Text;
using Broker.Engine.Storage;
using Broker.Transport;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Engine.Tests.Support;

/// <summary>An engine over a memory store on fake time, with short ways to produce, subscribe and read.</summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public EngineHarness(IQueueStore? store = null, TimeProvider? time = null, QueueEngineOptions? options = null, bool ownsStore = false)
    {
        Time = time ?? new FakeTimeProvider(Start);
        Store = store ?? new MemoryQueueStore();
        Engine = new QueueEngine(Store, options, Time, ownsStore: ownsStore);
    }

    public TimeProvider Time { get; }

    public FakeTimeProvider Clock => (FakeTimeProvider)Time;

    public IQueueStore Store { get; }

    public QueueEngine Engine { get; }

    public static ChannelDefinition Channel(string name = "orders", int maxAttempts = ChannelDefinition.DefaultMaxAttempts, TimeSpan? retryDelay = null) =>
        new(name, maxAttempts: maxAttempts, retryDelay: retryDelay);

    public static ChannelDefinition ExactlyOnce(string name = "orders", TimeSpan? window = null) =>
        new(name, QueueMessageProcessing.ExactlyOnce, window ?? TimeSpan.FromSeconds(10));

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(Delivery delivery) => Encoding.UTF8.GetString(delivery.Payload.Span);

    public static string Text(DeadLetterEntry entry) => Encoding.UTF8.GetString(entry.Payload.Span);

    public async Task<long> Produce(ChannelDefinition channel, string text, int priority = 0, TimeSpan delay = default)
    {
        var result = await Engine.ProduceAsync(new ChannelMessage(channel, Bytes(text), null, delay, priority));
        Assert.Equal(ProduceStatus.Enqueued, result.Status);
        return result.MessageId;
    }

    /// <summary>Produces a message with an ordering key; returns its id.</summary>
    public async Task<long> ProduceKeyed(ChannelDefinition channel, string key, string text, int priority = 0, TimeSpan delay = default)
    {
        var result = await Engine.ProduceAsync(new ChannelMessage(channel, Bytes(text), null, delay, priority) { OrderingKey = key });
        Assert.Equal(ProduceStatus.Enqueued, result.Status);
        return result.MessageId;
    }

    public ValueTask<ProduceResult> ProduceOnce(ChannelDefinition channel, string text, UInt128 key, TimeSpan? window = null) =>
        Engine.ProduceAsync(new ChannelMessage(channel, Bytes(text), new Deduplication(key, window ?? channel.DedupInterval), TimeSpan.Zero, 0));

    public ValueTask<EngineSubscription> Subscribe(ChannelDefinition channel, int maxParallel = 1, TimeSpan? lease = null) =>
        Engine.SubscribeAsync(channel, new SubscriptionSettings(maxParallel, lease ?? TimeSpan.FromSeconds(30)));

    public void Advance(TimeSpan by) => Clock.Advance(by);

    public ValueTask DisposeAsync() => Engine.DisposeAsync();

    /// <summary>Everything already written to the subscription, without waiting.</summary>
    public static List<Delivery> Drain(ITransportSubscription subscription)
    {
        var deliveries = new List<Delivery>();
        while (subscription.Deliveries.TryRead(out var delivery))
            deliveries.Add(delivery);
        return deliveries;
    }

    /// <summary>The one delivery already written to the subscription.</summary>
    public static Delivery Single(ITransportSubscription subscription)
    {
        var deliveries = Drain(subscription);
        return Assert.Single(deliveries);
    }

    /// <summary>Completes deliveries until the channel has no unfinished message (completing frees credit for more).</summary>
    public async Task CompleteAll(ITransportSubscription subscription, string channel)
    {
        for (var pass = 0; Engine.GetStats(channel).Unfinished > 0; pass++)
        {
            Assert.True(pass < 10_000, $"Channel '{channel}' does not drain: {Engine.GetStats(channel)}");
            foreach (var delivery in Drain(subscription))
                Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, default));
        }
    }

    public static void AssertNothing(ITransportSubscription subscription) =>
        Assert.False(subscription.Deliveries.TryRead(out var unexpected), unexpected is null ? null : $"Unexpected delivery of message {unexpected.Id} (try {unexpected.Tries}).");
}

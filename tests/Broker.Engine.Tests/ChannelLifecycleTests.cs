using Broker.Engine.Storage;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

/// <summary>
/// Channels cost what they hold: one that holds nothing is forgotten (and its ids never come back), the engine holds at
/// most MaxChannels. What a channel costs in memory is measured in <see cref="ChannelMemoryTests"/>.
/// </summary>
public sealed class ChannelLifecycleTests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("log")]
    public async Task ADrainedChannelIsForgottenAndItsIdsNeverComeBackEvenAfterARestart(string kind)
    {
        var time = new FakeTimeProvider(Start);
        using var stores = new StoreSequence(kind, time);
        var orders = Channel();
        long lastId;
        await using (var h = new EngineHarness(stores.Next(), time))
        {
            var worker = await h.Subscribe(orders, maxParallel: 10);
            for (var i = 0; i < 5; i++)
                await h.Produce(orders, "m" + i);
            await h.CompleteAll(worker, "orders");
            Assert.Equal(["orders"], h.Engine.Channels);

            await worker.DisposeAsync();

            Assert.Empty(h.Engine.Channels);
            lastId = await h.Produce(orders, "after it was forgotten");
            Assert.Equal(6, lastId);
            var again = await h.Subscribe(orders);
            await h.CompleteAll(again, "orders");
            await again.DisposeAsync();
            Assert.Empty(h.Engine.Channels);
            // A channel never seen before starts above every id a forgotten one handed out.
            Assert.True(await h.Produce(Channel("invoices"), "new") > lastId);
        }

        await using var restarted = new EngineHarness(stores.Next(), time);
        await restarted.Engine.RecoverAsync();
        Assert.Equal(["invoices"], restarted.Engine.Channels);
        Assert.True(await restarted.Produce(orders, "after the restart") > lastId);
    }

    [Fact]
    public async Task AnIdleExactlyOnceChannelIsForgottenWhenItsLastDedupKeyExpires()
    {
        await using var h = new EngineHarness();
        var once = ExactlyOnce(window: TimeSpan.FromSeconds(10));
        var worker = await h.Subscribe(once);
        Assert.Equal(ProduceStatus.Enqueued, (await h.ProduceOnce(once, "a", 1)).Status);
        await h.CompleteAll(worker, "orders");
        await worker.DisposeAsync();

        // The key still blocks a duplicate: the channel is held for it.
        Assert.Equal(["orders"], h.Engine.Channels);
        h.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(ProduceStatus.Duplicate, (await h.ProduceOnce(once, "a", 1)).Status);

        // Nobody touches the channel: its timer purges the key and drops the channel.
        h.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(h.Engine.Channels);
        Assert.Equal(ProduceStatus.Enqueued, (await h.ProduceOnce(once, "a", 1)).Status);
    }

    [Fact]
    public async Task ANewChannelPastTheLimitIsRefusedAndNothingIsStored()
    {
        var store = new MemoryQueueStore();
        await using var h = new EngineHarness(store, options: new QueueEngineOptions { MaxChannels = 3 });
        for (var i = 0; i < 3; i++)
            await h.Produce(Channel("c" + i), "held");

        var produce = await Assert.ThrowsAsync<ChannelLimitException>(() => h.Produce(Channel("c3"), "refused"));
        var subscribe = await Assert.ThrowsAsync<ChannelLimitException>(() => h.Subscribe(Channel("c4")).AsTask());

        Assert.Equal(("c3", 3), (produce.Channel, produce.MaxChannels));
        Assert.Contains("'c3'", produce.Message, StringComparison.Ordinal);
        Assert.Contains("MaxChannels", produce.Message, StringComparison.Ordinal);
        Assert.Equal("c4", subscribe.Channel);
        Assert.Equal(3, store.MessageCount);
        // A channel already held takes more messages; one that is drained makes room.
        await h.Produce(Channel("c0"), "more");
        var worker = await h.Subscribe(Channel("c1"));
        await h.CompleteAll(worker, "c1");
        await worker.DisposeAsync();
        await h.Produce(Channel("c3"), "now there is room");
        Assert.Equal(3, h.Engine.ChannelCount);
    }

    [Fact]
    public async Task RecoveryTakesEveryStoredChannelEvenPastALowerLimit()
    {
        var store = new MemoryQueueStore();
        await using (var h = new EngineHarness(store))
        {
            for (var i = 0; i < 5; i++)
                await h.Produce(Channel("c" + i), "held");
        }

        await using var lower = new EngineHarness(store, options: new QueueEngineOptions { MaxChannels = 2 });
        await lower.Engine.RecoverAsync();

        Assert.Equal(5, lower.Engine.ChannelCount);
        Assert.Equal(1, lower.Engine.GetStats("c4").Ready);
        await Assert.ThrowsAsync<ChannelLimitException>(() => lower.Produce(Channel("c5"), "refused"));
    }
}

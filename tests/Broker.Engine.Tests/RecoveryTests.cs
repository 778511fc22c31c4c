using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

public sealed class RecoveryTests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("log")]
    public async Task RecoveredEngineSeesTheSameMessagesDeadLettersAndDedupKeys(string kind)
    {
        var time = new FakeTimeProvider(EngineHarness.Start);
        using var stores = new StoreSequence(kind, time);
        var orders = Channel(maxAttempts: 5, retryDelay: TimeSpan.FromSeconds(10));
        var users = ExactlyOnce("user/registered", TimeSpan.FromMinutes(5));
        long completedId, retriedId, deadId, delayedId, readyId;

        await using (var before = new EngineHarness(stores.Next(), time))
        {
            var worker = await before.Subscribe(orders, maxParallel: 10);
            completedId = await before.Produce(orders, "completed");
            retriedId = await before.Produce(orders, "retried", priority: 2);
            deadId = await before.Produce(orders, "dead");
            var leasedId = await before.Produce(orders, "leased at shutdown");
            var byId = Drain(worker).ToDictionary(d => d.Id);
            await worker.CompleteAsync(byId[completedId], default);
            await worker.FailAsync(byId[retriedId], FailureKind.Transient, "boom", default);
            await worker.FailAsync(byId[deadId], FailureKind.Permanent, "undecodable", default);
            Assert.Equal(4, leasedId);
            await worker.DisposeAsync();
            // Lost on close, counted: it is redelivered, but the engine stops before anyone takes it.
            delayedId = await before.Produce(orders, "delayed", delay: TimeSpan.FromMinutes(1));
            Assert.True((await before.ProduceOnce(users, "peter", key: 42)).IsEnqueued);
            var consumer = await before.Subscribe(users);
            await consumer.CompleteAsync(Single(consumer), default);
            readyId = leasedId;
        }

        await using var after = new EngineHarness(stores.Next(), time);
        await after.Engine.RecoverAsync();

        var stats = after.Engine.GetStats("orders");
        Assert.Equal((1, 2, 0, 1, 5L), (stats.Ready, stats.Delayed, stats.Leased, stats.DeadLettered, stats.LastId));
        var dead = await after.Engine.GetDeadLetterAsync("orders", deadId);
        Assert.Equal(("dead", 1, "undecodable"), (Text(dead!), dead!.Tries, dead.Error));
        // The key of a consumed message still blocks its duplicate after the restart.
        Assert.Equal(new ProduceResult(ProduceStatus.Duplicate, 1), await after.ProduceOnce(users, "peter", key: 42));
        // Ids go on from where they were.
        Assert.Equal(6, await after.Produce(orders, "new"));

        var worker2 = await after.Subscribe(orders, maxParallel: 10);
        var ready = Drain(worker2);
        Assert.Equal([readyId, 6L], ready.Select(d => d.Id));
        Assert.Equal(2, ready[0].Tries); // the lease lost at close counted as an attempt
        foreach (var delivery in ready)
            await worker2.CompleteAsync(delivery, default);

        time.Advance(TimeSpan.FromSeconds(10));
        var retried = Single(worker2);
        Assert.Equal((retriedId, 2, 2), (retried.Id, retried.Tries, retried.Priority));
        await worker2.CompleteAsync(retried, default);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(delayedId, Single(worker2).Id);
        Assert.DoesNotContain(completedId, ready.Select(d => d.Id));
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("log")]
    public async Task RedrivenAndDeletedDeadLettersStaySoAfterRecovery(string kind)
    {
        var time = new FakeTimeProvider(EngineHarness.Start);
        using var stores = new StoreSequence(kind, time);
        var orders = Channel();
        await using (var before = new EngineHarness(stores.Next(), time))
        {
            var worker = await before.Subscribe(orders, maxParallel: 2);
            await before.Produce(orders, "redriven");
            await before.Produce(orders, "deleted");
            foreach (var delivery in Drain(worker))
                await worker.FailAsync(delivery, FailureKind.Permanent, "bad", default);
            await worker.StopDeliveriesAsync(default);
            Assert.True(await before.Engine.RedriveDeadLetterAsync("orders", 1));
            Assert.True(await before.Engine.DeleteDeadLetterAsync("orders", 2));
        }

        await using var after = new EngineHarness(stores.Next(), time);
        var next = await after.Subscribe(orders);

        var delivery2 = Single(next);
        Assert.Equal((1L, 1), (delivery2.Id, delivery2.Tries));
        Assert.Empty(await after.Engine.ListDeadLettersAsync("orders", 0, 10));
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("log")]
    public async Task ExpiredDedupKeysAreNotRecovered(string kind)
    {
        var time = new FakeTimeProvider(EngineHarness.Start);
        using var stores = new StoreSequence(kind, time);
        var users = ExactlyOnce("user/registered", TimeSpan.FromSeconds(10));
        await using (var before = new EngineHarness(stores.Next(), time))
            await before.ProduceOnce(users, "peter", key: 42);

        time.Advance(TimeSpan.FromSeconds(10));
        await using var after = new EngineHarness(stores.Next(), time);

        Assert.Equal(new ProduceResult(ProduceStatus.Enqueued, 2), await after.ProduceOnce(users, "peter", key: 42));
    }
}

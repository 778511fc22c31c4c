using Broker.Engine.Tests.Support;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

public sealed class RetryTests
{
    [Fact]
    public async Task FailedMessageIsRetriedWithExponentialBackoffUpToTheCap()
    {
        await using var h = new EngineHarness();
        var orders = Channel(maxAttempts: 12, retryDelay: TimeSpan.FromSeconds(1));
        var worker = await h.Subscribe(orders);
        await h.Produce(orders, "flaky");
        var expected = new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300 }.Select(s => TimeSpan.FromSeconds(s));

        var tries = 1;
        foreach (var backoff in expected)
        {
            var deliveries = Drain(worker);
            Assert.True(deliveries.Count == 1, $"Expected delivery {tries} after {backoff}, got {deliveries.Count}.");
            var delivery = deliveries[0];
            Assert.Equal(tries, delivery.Tries);
            Assert.Equal(SettleOutcome.Retrying, await worker.FailAsync(delivery, FailureKind.Transient, "boom", default));

            h.Advance(backoff - TimeSpan.FromTicks(1));
            AssertNothing(worker);
            h.Advance(TimeSpan.FromTicks(1));
            tries++;
        }
        Assert.Equal(12, Single(worker).Tries);
    }

    [Fact]
    public async Task ExhaustedAttemptsDeadLetterTheMessageWithItsLastError()
    {
        await using var h = new EngineHarness();
        var orders = Channel(maxAttempts: 3);
        var worker = await h.Subscribe(orders);
        var id = await h.Produce(orders, "poison", priority: 4);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var delivery = Single(worker);
            var outcome = await worker.FailAsync(delivery, FailureKind.Transient, "error " + attempt, default);
            Assert.Equal(attempt < 3 ? SettleOutcome.Retrying : SettleOutcome.DeadLettered, outcome);
            h.Advance(orders.RetryDelayAfter(attempt));
        }

        AssertNothing(worker);
        var dead = await h.Engine.GetDeadLetterAsync("orders", id);
        Assert.NotNull(dead);
        Assert.Equal(("poison", 3, "error 3", 4), (Text(dead), dead.Tries, dead.Error, dead.Priority));
        Assert.Equal(EngineHarness.Start, dead.ProducedAt);
        var stats = h.Engine.GetStats("orders");
        Assert.Equal((1, 0), (stats.DeadLettered, stats.Unfinished));
    }

    [Fact]
    public async Task DeadLettersAreListedInIdOrderAfterAnIdWithALimit()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var worker = await h.Subscribe(orders, maxParallel: 10);
        for (var i = 1; i <= 5; i++)
            await h.Produce(orders, "m" + i);
        // Dead-letter them out of id order.
        foreach (var delivery in Drain(worker).OrderByDescending(d => d.Id))
            await worker.FailAsync(delivery, FailureKind.Permanent, "bad", default);

        var firstPage = await h.Engine.ListDeadLettersAsync("orders", 0, 2);
        var secondPage = await h.Engine.ListDeadLettersAsync("orders", firstPage[^1].Id, 10);

        Assert.Equal([1L, 2L], firstPage.Select(d => d.Id));
        Assert.Equal([3L, 4L, 5L], secondPage.Select(d => d.Id));
        Assert.Empty(await h.Engine.ListDeadLettersAsync("orders", 5, 10));
        Assert.Empty(await h.Engine.ListDeadLettersAsync("unknown", 0, 10));
    }

    [Fact]
    public async Task RedrivenDeadLetterGetsAFreshAttemptBudget()
    {
        await using var h = new EngineHarness();
        var orders = Channel(maxAttempts: 2);
        var worker = await h.Subscribe(orders);
        var id = await h.Produce(orders, "job");
        await worker.FailAsync(Single(worker), FailureKind.Permanent, "bad", default);

        Assert.True(await h.Engine.RedriveDeadLetterAsync("orders", id));

        var again = Single(worker);
        Assert.Equal((id, 1), (again.Id, again.Tries));
        Assert.Null(await h.Engine.GetDeadLetterAsync("orders", id));
        // The budget is whole again: one transient failure retries instead of dead-lettering.
        Assert.Equal(SettleOutcome.Retrying, await worker.FailAsync(again, FailureKind.Transient, "boom", default));
        Assert.False(await h.Engine.RedriveDeadLetterAsync("orders", id));
    }

    [Fact]
    public async Task DeletedDeadLetterIsGone()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var worker = await h.Subscribe(orders);
        var id = await h.Produce(orders, "job");
        await worker.FailAsync(Single(worker), FailureKind.Permanent, "bad", default);

        Assert.True(await h.Engine.DeleteDeadLetterAsync("orders", id));

        Assert.Null(await h.Engine.GetDeadLetterAsync("orders", id));
        Assert.False(await h.Engine.DeleteDeadLetterAsync("orders", id));
        Assert.False(await h.Engine.RedriveDeadLetterAsync("orders", id));
        Assert.Equal(0, h.Engine.GetStats("orders").DeadLettered);
    }

    [Fact]
    public async Task PermanentFailureDeadLettersAtOnce()
    {
        await using var h = new EngineHarness();
        var orders = Channel(maxAttempts: 5);
        var worker = await h.Subscribe(orders);
        var id = await h.Produce(orders, "undecodable");

        var outcome = await worker.FailAsync(Single(worker), FailureKind.Permanent, "cannot be decoded", default);

        Assert.Equal(SettleOutcome.DeadLettered, outcome);
        var dead = await h.Engine.GetDeadLetterAsync("orders", id);
        Assert.Equal((1, "cannot be decoded"), (dead!.Tries, dead.Error));
    }

    [Fact]
    public async Task RequestedRetryNeverDeadLetters()
    {
        await using var h = new EngineHarness();
        var orders = Channel(maxAttempts: 2);
        var worker = await h.Subscribe(orders);
        await h.Produce(orders, "polling job");

        for (var i = 1; i <= 5; i++)
        {
            var delivery = Single(worker);
            Assert.Equal(i, delivery.Tries);
            Assert.Equal(SettleOutcome.Retrying, await worker.RetryAsync(delivery, TimeSpan.FromSeconds(30), default));
            h.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
            AssertNothing(worker);
            h.Advance(TimeSpan.FromTicks(1));
        }

        Assert.Equal(6, Single(worker).Tries);
        Assert.Equal(0, h.Engine.GetStats("orders").DeadLettered);
    }

    [Fact]
    public async Task ReleaseDoesNotCountTheAttempt()
    {
        await using var h = new EngineHarness();
        var orders = Channel(maxAttempts: 1);
        var worker = await h.Subscribe(orders);
        await h.Produce(orders, "job");

        for (var i = 0; i < 3; i++)
            Assert.Equal(SettleOutcome.Released, await worker.ReleaseAsync(Single(worker), default));

        // Still the first attempt, at once (no delay), and a one-attempt channel has not dead-lettered it.
        var delivery = Single(worker);
        Assert.Equal(1, delivery.Tries);
        Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(delivery, default));
        Assert.Equal(0, h.Engine.GetStats("orders").DeadLettered);
    }

    [Fact]
    public async Task CompletedMessageIsRemoved()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        var worker = await h.Subscribe(orders);
        await h.Produce(orders, "job");

        Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(Single(worker), default));

        Assert.Equal(0, h.Engine.GetStats("orders").Unfinished);
        Assert.Equal(0, ((Storage.MemoryQueueStore)h.Store).MessageCount);
    }
}

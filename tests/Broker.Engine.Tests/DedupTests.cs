using Broker.Engine.Tests.Support;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

public sealed class DedupTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task DuplicateWithinWindowIsDroppedWithTheOriginalId()
    {
        await using var h = new EngineHarness();
        var users = ExactlyOnce("user/registered", Window);

        var first = await h.ProduceOnce(users, "peter", key: 42);
        h.Advance(Window - TimeSpan.FromTicks(1));
        var second = await h.ProduceOnce(users, "peter", key: 42);

        Assert.Equal(new ProduceResult(ProduceStatus.Enqueued, 1), first);
        Assert.Equal(new ProduceResult(ProduceStatus.Duplicate, 1), second);
        Assert.Equal(1, h.Engine.GetStats("user/registered").Ready);
    }

    [Fact]
    public async Task KeyIsAcceptedAgainAfterItsWindowAndDuplicatesDoNotExtendIt()
    {
        await using var h = new EngineHarness();
        var users = ExactlyOnce("user/registered", Window);
        await h.ProduceOnce(users, "peter", key: 42);
        h.Advance(Window / 2);
        Assert.True((await h.ProduceOnce(users, "peter", key: 42)).IsDuplicate);

        // Ten seconds after the first acceptance, not after the duplicate.
        h.Advance(Window / 2);
        var again = await h.ProduceOnce(users, "peter", key: 42);

        Assert.Equal(new ProduceResult(ProduceStatus.Enqueued, 2), again);
    }

    [Fact]
    public async Task KeySurvivesConsumptionOfItsMessage()
    {
        await using var h = new EngineHarness();
        var users = ExactlyOnce("user/registered", Window);
        var worker = await h.Subscribe(users);
        await h.ProduceOnce(users, "peter", key: 42);
        Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(Single(worker), default));

        var again = await h.ProduceOnce(users, "peter", key: 42);

        Assert.Equal(new ProduceResult(ProduceStatus.Duplicate, 1), again);
        AssertNothing(worker);
    }

    [Fact]
    public async Task ExpiredKeysArePurged()
    {
        await using var h = new EngineHarness();
        var users = ExactlyOnce("user/registered", Window);
        await h.ProduceOnce(users, "a", key: 1);
        await h.ProduceOnce(users, "b", key: 2, window: Window * 2);
        Assert.Equal(2, h.Engine.GetStats("user/registered").DedupKeys);

        h.Advance(Window);
        Assert.Equal(1, h.Engine.GetStats("user/registered").DedupKeys);
        h.Advance(Window);
        Assert.Equal(0, h.Engine.GetStats("user/registered").DedupKeys);
    }

    [Fact]
    public async Task TheKeyDecidesNotThePayload()
    {
        // The channel runtime turns an explicit hash or the payload's hash into the key; the engine compares keys only.
        await using var h = new EngineHarness();
        var users = ExactlyOnce("user/registered", Window);

        var samePayloadOtherKey = await h.ProduceOnce(users, "peter", key: 1);
        var samePayloadSecondKey = await h.ProduceOnce(users, "peter", key: 2);
        var otherPayloadSameKey = await h.ProduceOnce(users, "paul", key: 1);

        Assert.True(samePayloadOtherKey.IsEnqueued);
        Assert.True(samePayloadSecondKey.IsEnqueued);
        Assert.Equal(new ProduceResult(ProduceStatus.Duplicate, 1), otherPayloadSameKey);
    }

    [Fact]
    public async Task KeysArePerChannel()
    {
        await using var h = new EngineHarness();

        var a = await h.ProduceOnce(ExactlyOnce("a", Window), "x", key: 7);
        var b = await h.ProduceOnce(ExactlyOnce("b", Window), "x", key: 7);

        Assert.True(a.IsEnqueued && b.IsEnqueued);
    }

    [Fact]
    public async Task DuplicateDuringSlowStoreWriteWaitsForTheOriginal()
    {
        var store = new GatedStore();
        await using var h = new EngineHarness(store);
        var users = ExactlyOnce("user/registered", Window);
        store.Close();

        var original = h.ProduceOnce(users, "peter", key: 42).AsTask();
        await store.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var duplicate = h.ProduceOnce(users, "peter", key: 42).AsTask();
        Assert.False(duplicate.IsCompleted);

        store.Open();

        Assert.Equal(new ProduceResult(ProduceStatus.Enqueued, 1), await original.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(new ProduceResult(ProduceStatus.Duplicate, 1), await duplicate.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, store.Enqueues);
    }

    [Fact]
    public async Task DuplicateOfAnOriginalThatFailedToStoreIsTreatedAsNew()
    {
        var store = new GatedStore();
        await using var h = new EngineHarness(store);
        var users = ExactlyOnce("user/registered", Window);
        store.Close();

        var original = h.ProduceOnce(users, "peter", key: 42).AsTask();
        await store.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var retry = h.ProduceOnce(users, "peter", key: 42).AsTask();
        Assert.False(retry.IsCompleted);

        store.Fail();
        await Assert.ThrowsAsync<IOException>(() => original.WaitAsync(TimeSpan.FromSeconds(10)));

        var result = await retry.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ProduceStatus.Enqueued, result.Status);
        Assert.Equal(1, h.Engine.GetStats("user/registered").Ready);
        Assert.Equal(1, h.Engine.GetStats("user/registered").DedupKeys);
    }

    [Fact]
    public async Task MessageIsNotDeliveredBeforeTheStoreAcknowledgesIt()
    {
        var store = new GatedStore();
        await using var h = new EngineHarness(store);
        var orders = Channel();
        var worker = await h.Subscribe(orders);
        store.Close();

        var produce = h.Produce(orders, "job");
        await store.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        AssertNothing(worker);
        Assert.False(produce.IsCompleted);

        store.Open();
        await produce.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("job", Text(Single(worker)));
    }
}

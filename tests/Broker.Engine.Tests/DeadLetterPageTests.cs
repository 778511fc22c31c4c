using Broker.Engine.Tests.Support;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

/// <summary>Dead-letter listings with a byte budget, as the server asks for them: one reply frame's worth of payloads.</summary>
public sealed class DeadLetterPageTests
{
    [Fact]
    public async Task AListingStopsAtItsByteBudgetAndSaysMoreFollow()
    {
        await using var h = new EngineHarness();
        var ids = await DeadLetterAsync(h, count: 10, payloadBytes: 1000);

        var first = await h.Engine.ListDeadLettersAsync("orders", 0, 10_000, maxPayloadBytes: 3500, default);
        var second = await h.Engine.ListDeadLettersAsync("orders", first.Entries[^1].Id, 10_000, maxPayloadBytes: 3500, default);
        var rest = await h.Engine.ListDeadLettersAsync("orders", second.Entries[^1].Id, 10_000, maxPayloadBytes: 10_000, default);

        Assert.Equal((3, true), (first.Entries.Count, first.More));
        Assert.Equal((3, true), (second.Entries.Count, second.More));
        Assert.Equal((4, false), (rest.Entries.Count, rest.More));
        Assert.Equal(ids, first.Entries.Concat(second.Entries).Concat(rest.Entries).Select(e => e.Id));
    }

    [Fact]
    public async Task ABudgetSmallerThanOnePayloadStillListsOneAndTheCountLimitIsNotMore()
    {
        await using var h = new EngineHarness();
        await DeadLetterAsync(h, count: 3, payloadBytes: 1000);

        var tiny = await h.Engine.ListDeadLettersAsync("orders", 0, 10, maxPayloadBytes: 1, default);
        var counted = await h.Engine.ListDeadLettersAsync("orders", 0, 2, maxPayloadBytes: long.MaxValue, default);

        Assert.Equal((1, true), (tiny.Entries.Count, tiny.More));
        Assert.Equal((2, false), (counted.Entries.Count, counted.More));
    }

    private static async Task<List<long>> DeadLetterAsync(EngineHarness h, int count, int payloadBytes)
    {
        var orders = Channel();
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
            ids.Add(await h.Produce(orders, new string((char)('a' + i), payloadBytes)));
        var worker = await h.Subscribe(orders, maxParallel: count);
        foreach (var delivery in Drain(worker))
            Assert.Equal(SettleOutcome.DeadLettered, await worker.FailAsync(delivery, FailureKind.Permanent, "cannot be decoded", default));
        return ids;
    }
}

using System.Text;
using Broker.Engine.Management;
using Broker.Engine.Storage;
using Broker.Engine.Tests.Support;
using Broker.Management;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Management;

/// <summary>Peeking copies a channel's unfinished messages and changes nothing about their delivery.</summary>
public sealed class PeekTests
{
    [Fact]
    public async Task APeekShowsEachUnfinishedMessageWithItsStateTriesDueTimePriorityAndHeaders()
    {
        await using var h = new EngineHarness();
        var orders = Channel(maxAttempts: 3, retryDelay: TimeSpan.FromMinutes(5));
        var retried = await h.Produce(orders, "retried");
        var dead = await h.Produce(orders, "dead");
        var leased = await h.Produce(orders, "leased");
        var worker = await h.Subscribe(orders, maxParallel: 3);
        var byId = Drain(worker).ToDictionary(d => d.Id);
        // No more grants to this worker: what it holds stays in flight, what is produced next stays ready.
        await worker.StopDeliveriesAsync(default);
        Assert.Equal(SettleOutcome.Retrying, await worker.FailAsync(byId[retried], FailureKind.Transient, "flaky", default));
        Assert.Equal(SettleOutcome.DeadLettered, await worker.FailAsync(byId[dead], FailureKind.Permanent, "broken", default));
        h.Advance(TimeSpan.FromSeconds(1));
        var delayed = await h.Produce(orders, "delayed", delay: TimeSpan.FromHours(1));
        var headers = HeaderCodec.Encode(new Dictionary<string, string> { ["trace"] = "abc" }, "orders");
        var ready = (await h.Engine.ProduceAsync(new ChannelMessage(orders, Bytes("ready"), null, TimeSpan.Zero, 2) { Headers = headers })).MessageId;

        var page = await h.Engine.PeekAsync("orders", 0, 100, long.MaxValue);

        Assert.False(page.More);
        Assert.Equal(
            [
                (retried, PeekedState.Delayed, 1, Start, (DateTimeOffset?)Start + orders.RetryDelayAfter(1), 0, "retried"),
                (leased, PeekedState.InFlight, 1, Start, null, 0, "leased"),
                (delayed, PeekedState.Delayed, 0, Start.AddSeconds(1), Start.AddSeconds(1).AddHours(1), 0, "delayed"),
                (ready, PeekedState.Ready, 0, Start.AddSeconds(1), null, 2, "ready"),
            ],
            page.Messages.Select(m => (m.Id, m.State, m.DeliveryCount, m.ProducedAt, m.DueAt, m.Priority, PeekedText(m))));
        Assert.All(page.Messages, m => Assert.Equal("orders", m.Channel));
        Assert.Equal("abc", HeaderCodec.Decode(page.Messages[^1].Headers.Span)["trace"]);
        Assert.True(page.Messages[0].Headers.IsEmpty);
    }

    [Fact]
    public async Task ManyPeeksLeaveEveryDeliveryAsItWouldHaveBeen()
    {
        var quiet = await RunScenario(peek: false);
        var peeked = await RunScenario(peek: true);

        Assert.True(peeked.Peeked > 100, $"The scenario peeked only {peeked.Peeked} messages.");
        Assert.Equal(quiet.Trace, peeked.Trace);
    }

    [Fact]
    public async Task PagesFollowEachOtherByIdAndSayWhetherMoreFollow()
    {
        await using var h = new EngineHarness();
        var ids = new List<long>();
        for (var i = 0; i < 25; i++)
            ids.Add(await h.Produce(Channel(), $"m{i}", priority: i % 3));

        var first = await h.Engine.PeekAsync("orders", 0, 10, long.MaxValue);
        var second = await h.Engine.PeekAsync("orders", first.Messages[^1].Id, 10, long.MaxValue);
        var third = await h.Engine.PeekAsync("orders", second.Messages[^1].Id, 10, long.MaxValue);
        var past = await h.Engine.PeekAsync("orders", ids[^1], 10, long.MaxValue);
        var exact = await h.Engine.PeekAsync("orders", ids[^6], 5, long.MaxValue);

        Assert.Equal((10, true, 10, true, 5, false), (first.Messages.Count, first.More, second.Messages.Count, second.More, third.Messages.Count, third.More));
        // In id order, whatever the priority.
        Assert.Equal(ids, first.Messages.Concat(second.Messages).Concat(third.Messages).Select(m => m.Id));
        Assert.Equal((0, false), (past.Messages.Count, past.More));
        Assert.Equal((5, false), (exact.Messages.Count, exact.More));
        Assert.Empty((await h.Engine.PeekAsync("orders", long.MaxValue, 10, long.MaxValue)).Messages);
        Assert.Empty((await h.Engine.PeekAsync("unknown", 0, 10, long.MaxValue)).Messages);
    }

    [Fact]
    public async Task APageOfOneMebibytePayloadsStopsAtItsByteBudget()
    {
        await using var h = new EngineHarness();
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");
        for (var i = 0; i < 10; i++)
            await h.Engine.ProduceAsync(new ChannelMessage(Channel(), Enumerable.Repeat((byte)('a' + i), QueueEngineOptions.DefaultMaxMessageBytes).ToArray(), null, TimeSpan.Zero, 0));

        var pages = new List<MessagePage>();
        var after = 0L;
        do
        {
            pages.Add(await management.PeekAsync("orders", after, 1000));
            after = pages[^1].Messages[^1].Id;
        }
        while (pages[^1].More);
        var tiny = await h.Engine.PeekAsync("orders", 0, 1000, maxPayloadBytes: 1);

        // 4 MiB a page: four payloads of 1 MiB each, then the rest.
        Assert.Equal([4, 4, 2], pages.Select(p => p.Messages.Count));
        Assert.Equal(
            Enumerable.Range(0, 10).Select(i => (byte)('a' + i)),
            pages.SelectMany(p => p.Messages).Select(m => Assert.Single(m.Payload.ToArray().Distinct())));
        // A budget smaller than one payload still copies one.
        Assert.Equal((1, true), (tiny.Messages.Count, tiny.More));
    }

    [Fact]
    public async Task TheManagementApiCapsTheLimitAtOneThousand()
    {
        await using var h = new EngineHarness();
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");
        await Task.WhenAll(Enumerable.Range(0, 1500).Select(i => h.Produce(Channel(), $"m{i}")));

        var page = await management.PeekAsync("orders", 0, int.MaxValue);

        Assert.Equal((EngineManagement.MaxPageLimit, true), (page.Messages.Count, page.More));
    }

    [Fact]
    public async Task DeadLettersAreLeftToTheirListingAndSkippedByThePeek()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        for (var i = 0; i < 50; i++)
            await h.Produce(orders, $"doomed {i}");
        var worker = await h.Subscribe(orders, maxParallel: 50);
        foreach (var delivery in Drain(worker))
            await worker.FailAsync(delivery, FailureKind.Permanent, "broken", default);
        var live = await h.Produce(orders, "live");

        var page = await h.Engine.PeekAsync("orders", 0, 10, long.MaxValue);

        Assert.Equal(live, Assert.Single(page.Messages).Id);
        Assert.False(page.More);
    }

    [Fact]
    public async Task AMessageCompletedBetweenTheWalkAndTheReadIsLeftOutNotReadFromFreedBytes()
    {
        var store = new HookedStore(new MemoryQueueStore());
        await using var h = new EngineHarness(store);
        var orders = Channel();
        var first = await h.Produce(orders, "first");
        var second = await h.Produce(orders, "second");
        var worker = await h.Subscribe(orders, maxParallel: 1);
        var delivery = Single(worker);
        Assert.Equal(first, delivery.Id);
        // The memory store drops a completed message's payload at once.
        store.BeforeNextRead = () => worker.CompleteAsync(delivery, default).AsTask().GetAwaiter().GetResult();

        var page = await h.Engine.PeekAsync("orders", 0, 10, long.MaxValue);

        Assert.Equal(1, store.FailedReads);
        Assert.Equal((second, "second"), (Assert.Single(page.Messages).Id, PeekedText(page.Messages[0])));
    }

    [Fact]
    public async Task NothingIsPeekedWithInvalidArguments()
    {
        await using var h = new EngineHarness();
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("limit", () => management.PeekAsync("orders", 0, 0).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("afterId", () => management.PeekAsync("orders", -1, 10).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>("channel", () => management.PeekAsync(null!, 0, 10).AsTask());
        var empty = await Assert.ThrowsAsync<ArgumentException>("channel", () => management.PeekAsync("", 0, 10).AsTask());
        Assert.Contains("empty", empty.Message);
        var invalid = await Assert.ThrowsAsync<ArgumentException>("channel", () => management.PeekAsync("no spaces", 0, 10).AsTask());
        Assert.Contains("'no spaces'", invalid.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("limit", () => h.Engine.PeekAsync("orders", 0, 0, 100).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("maxPayloadBytes", () => h.Engine.PeekAsync("orders", 0, 10, -1).AsTask());
    }

    internal static string PeekedText(PeekedMessage message) => Encoding.UTF8.GetString(message.Payload.Span);

    /// <summary>
    /// Produces, consumes, fails, retries, delays and lets leases expire on fake time, peeking every page many times
    /// between steps when asked; returns what the workers saw and the channel's counts after each step.
    /// </summary>
    private static async Task<(List<string> Trace, int Peeked)> RunScenario(bool peek)
    {
        await using var h = new EngineHarness();
        var orders = Channel(maxAttempts: 3, retryDelay: TimeSpan.FromSeconds(20));
        var once = ExactlyOnce("once", TimeSpan.FromMinutes(10));
        var management = new EngineManagement(h.Engine, BrokerKind.InMemory, "in-memory");
        var trace = new List<string>();
        var peeked = 0;
        for (var i = 0; i < 40; i++)
            await h.Produce(orders, $"m{i}", priority: i % 3, delay: i % 4 == 0 ? TimeSpan.FromSeconds(25 + i) : TimeSpan.Zero);
        Assert.True((await h.ProduceOnce(once, "first", key: 7)).IsEnqueued);
        var worker = await h.Subscribe(orders, maxParallel: 4, lease: TimeSpan.FromSeconds(15));

        for (var step = 0; step < 40; step++)
        {
            if (peek)
                peeked += await PeekEverything(management, "orders", times: 5) + await PeekEverything(management, "once", times: 1);
            foreach (var delivery in Drain(worker))
            {
                trace.Add($"{h.Time.GetUtcNow():HH:mm:ss} {delivery.Id} try {delivery.Tries} priority {delivery.Priority} {Text(delivery)}");
                if (delivery.Id % 7 == 0)
                    continue; // its lease runs out
                trace.Add((delivery.Id % 5 == 0
                    ? await worker.FailAsync(delivery, FailureKind.Transient, "flaky", default)
                    : await worker.CompleteAsync(delivery, default)).ToString());
            }
            var stats = h.Engine.GetStats("orders");
            trace.Add($"ready {stats.Ready} delayed {stats.Delayed} leased {stats.Leased} dead {stats.DeadLettered}");
            h.Advance(TimeSpan.FromSeconds(5));
        }
        trace.Add((await h.ProduceOnce(once, "again", key: 7)).Status.ToString());
        return (trace, peeked);
    }

    private static async Task<int> PeekEverything(IBrokerManagement management, string channel, int times)
    {
        var count = 0;
        for (var pass = 0; pass < times; pass++)
        {
            var after = 0L;
            MessagePage page;
            do
            {
                page = await management.PeekAsync(channel, after, 3);
                count += page.Messages.Count;
                if (page.Messages.Count > 0)
                    after = page.Messages[^1].Id;
            }
            while (page.More);
            await management.ListChannelsAsync();
        }
        return count;
    }
}

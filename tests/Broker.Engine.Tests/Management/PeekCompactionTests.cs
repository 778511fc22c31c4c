using System.Collections.Concurrent;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Broker.Management;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static Broker.Engine.Tests.Support.EngineHarness;
using static Broker.Engine.Tests.Management.PeekTests;

namespace Broker.Engine.Tests.Management;

/// <summary>Peeking an embedded log while compaction moves payloads and workers finish messages.</summary>
public sealed class PeekCompactionTests(ITestOutputHelper output)
{
    private static readonly LogStoreOptions Small = new() { SegmentBytes = 64 * 1024 };

    [Fact]
    public async Task APayloadCompactionMovesBetweenTheWalkAndTheReadIsReadWhereItWent()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var log = LogQueueStore.Open("/data", fs, Small, time, null);
        var store = new HookedStore(log);
        await using var h = new EngineHarness(store, time, ownsStore: true);
        var orders = Channel();
        var kept = await h.Produce(orders, "moved while being peeked");
        await FillAndDrainAsync(h);
        var segments = log.SegmentFiles;
        // The peek walks to the old position; compaction copies the payload, points the message at the copy and
        // retires the old segment (the second pass closes it) before the read reaches the store.
        store.BeforeNextRead = () => Task.Run(async () =>
        {
            await log.CompactAsync();
            await log.CompactAsync();
        }).GetAwaiter().GetResult();

        var page = await h.Engine.PeekAsync("orders", 0, 10, long.MaxValue);

        Assert.DoesNotContain(segments[0], log.SegmentFiles);
        Assert.Equal(1, store.FailedReads);
        var message = Assert.Single(page.Messages);
        Assert.Equal((kept, "moved while being peeked", PeekedState.Ready, 0), (message.Id, PeekedText(message), message.State, message.DeliveryCount));
    }

    [Fact]
    public async Task PeeksRacingWorkersAndCompactionOnlyEverSeeTheRightPayloads()
    {
        using var directory = new TempDirectory();
        var log = LogQueueStore.Open(directory.Path, new LogStoreOptions { SegmentBytes = 64 * 1024, Durability = DurabilityMode.Buffered });
        await using var h = new EngineHarness(log, ownsStore: true);
        var orders = Channel();
        var texts = new ConcurrentDictionary<long, string>();
        // Each id once, and every text seen for it: a peek that read wrong bytes shows as a second text.
        var peeked = new Dictionary<long, HashSet<string>>();
        var copies = 0;
        using var done = new CancellationTokenSource();
        var worker = await h.Subscribe(orders, maxParallel: 64);
        var consuming = Task.Run(async () =>
        {
            var seen = 0;
            await foreach (var delivery in worker.Deliveries.ReadAllAsync(done.Token))
            {
                // Hand one in five back: a backlog that spans segments, with holes, moved along by compaction.
                if (++seen % 5 == 0)
                    await worker.ReleaseAsync(delivery, default);
                else
                    await worker.CompleteAsync(delivery, default);
            }
        });

        int PeekAll()
        {
            var after = 0L;
            var count = 0;
            MessagePage page;
            do
            {
                page = h.Engine.PeekAsync("orders", after, 200, 64 * 1024).AsTask().GetAwaiter().GetResult();
                for (var i = 1; i < page.Messages.Count; i++)
                    Assert.True(page.Messages[i].Id > page.Messages[i - 1].Id, "A page is not in id order.");
                foreach (var message in page.Messages)
                {
                    if (!peeked.TryGetValue(message.Id, out var seen))
                        peeked.Add(message.Id, seen = []);
                    seen.Add(PeekedText(message));
                }
                copies += page.Messages.Count;
                if (page.Messages.Count > 0)
                    after = page.Messages[^1].Id;
                count++;
            }
            while (page.More);
            return count;
        }

        // Each round produces (eight producers) while peeking, peeks on until the workers are nearly through the
        // backlog, then compacts while peeking: the race is bounded by work rather than by time.
        var compactions = 0;
        var pages = 0;
        for (var round = 0; round < 6; round++)
        {
            var first = round * 400;
            var producing = Task.WhenAll(Enumerable.Range(0, 8).Select(p => Task.Run(async () =>
            {
                for (var i = first + p; i < first + 400; i += 8)
                {
                    var text = $"message {i} " + new string('x', i % 200);
                    var result = await h.Engine.ProduceAsync(new ChannelMessage(orders, Bytes(text), null, TimeSpan.Zero, i % 3));
                    texts[result.MessageId] = text;
                }
            })));
            for (var pass = 0; !producing.IsCompleted || h.Engine.GetStats("orders").Unfinished > 100; pass++)
            {
                Assert.True(pass < 1_000_000, $"The workers do not get through the backlog: {h.Engine.GetStats("orders")}");
                pages += PeekAll();
            }
            await producing;
            var compacting = log.CompactAsync();
            while (!compacting.IsCompleted)
                pages += PeekAll();
            compactions += await compacting;
        }
        await done.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);

        output.WriteLine($"{pages} pages peeked ({copies} copies of {peeked.Count} messages) while compaction deleted {compactions} segments");
        Assert.True(peeked.Count > 1000, $"Only {peeked.Count} messages were peeked.");
        Assert.True(compactions > 0, "Compaction never deleted a segment: the test raced nothing.");
        Assert.All(peeked, p => Assert.Equal(texts[p.Key], Assert.Single(p.Value)));
    }

    /// <summary>Fills several segments with messages that are consumed at once, so the oldest is mostly finished.</summary>
    private static async Task FillAndDrainAsync(EngineHarness h)
    {
        var filler = await h.Subscribe(Channel("filler"), maxParallel: 1000);
        for (var i = 0; i < 3000; i++)
            await h.Produce(Channel("filler"), $"filler {i} with some bytes to fill the segments up");
        await h.CompleteAll(filler, "filler");
        await filler.DisposeAsync();
    }
}

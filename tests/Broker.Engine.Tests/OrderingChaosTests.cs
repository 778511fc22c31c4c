using System.Collections.Concurrent;
using Broker.Engine.Tests.Support;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

/// <summary>
/// Ordering by key under chaos, on real time: workers with random handler times that fail, give back, hang past their
/// lease and are closed mid-flight, while dead letters are re-driven and the channel purged. Two handlers of one key whose
/// settles both counted must never overlap, and a message must never start before an earlier message of its key that
/// was completed later (unless either was ever a dead letter, which a re-drive puts back at its own place). Small for CI;
/// <c>BROKER_CHAOS_MESSAGES</c> runs it bigger by hand. Serial: it keeps both cores busy.
/// </summary>
[Collection(Serial.Name)]
public sealed class OrderingChaosTests
{
    private static readonly ChannelDefinition Orders = new("orders", maxAttempts: 3, retryDelay: TimeSpan.FromMilliseconds(5), ordered: true);

    [Theory]
    [InlineData("memory")]
    [InlineData("log")]
    public async Task NoKeyEverRunsTwiceAtOnceOrOutOfOrderUnderChaos(string kind)
    {
        var messages = int.TryParse(Environment.GetEnvironmentVariable("BROKER_CHAOS_MESSAGES"), out var n) ? n : 1_500;
        const int Keys = 40;
        using var stores = new StoreSequence(kind, TimeProvider.System);
        await using var h = new EngineHarness(stores.Next(), TimeProvider.System);
        var run = new ChaosRun();
        var keyOf = new ConcurrentDictionary<long, string>();
        var workers = new List<Worker>();
        for (var i = 0; i < 3; i++)
            workers.Add(await Worker.StartAsync(h, run));

        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            var random = new Random(p);
            for (var i = p; i < messages; i += 4)
            {
                var key = $"k{random.Next(Keys)}";
                keyOf[await h.ProduceKeyed(Orders, key, key)] = key;
            }
        })).ToArray();
        using var stop = new CancellationTokenSource();
        var chaos = Task.Run(async () =>
        {
            var random = new Random(42);
            var purges = 0;
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(random.Next(5, 40));
                switch (random.Next(10))
                {
                    case < 3:
                        var index = random.Next(workers.Count);
                        var old = workers[index];
                        workers[index] = await Worker.StartAsync(h, run);
                        await old.Subscription.DisposeAsync();
                        break;
                    case < 7:
                        foreach (var dead in await h.Engine.ListDeadLettersAsync("orders", 0, 100))
                        {
                            run.EverDead[dead.Id] = true;
                            await h.Engine.RedriveDeadLetterAsync("orders", dead.Id);
                        }
                        break;
                    // Once, late: a purge takes most of the backlog, and the rest of the run would have little to do.
                    case 7 when purges == 0 && run.Handled.Count > messages / 2:
                        purges++;
                        await h.Engine.PurgeAsync("orders");
                        break;
                }
            }
        });

        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromMinutes(5));
        // Drained: every message completed, purged or a dead letter (the chaos keeps re-driving those meanwhile).
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (h.Engine.GetStats("orders").Unfinished > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The channel does not drain: {h.Engine.GetStats("orders")}");
            await Task.Delay(20);
        }
        stop.Cancel();
        await chaos;
        foreach (var dead in await h.Engine.ListDeadLettersAsync("orders", 0, int.MaxValue))
            run.EverDead[dead.Id] = true;
        foreach (var worker in workers)
            await worker.Subscription.DisposeAsync();

        run.Check(keyOf);
    }

    /// <summary>What the handlers did, stamped with one counter so that "before" means before.</summary>
    private sealed class ChaosRun
    {
        private long _clock;

        public ConcurrentBag<Handled> Handled { get; } = [];

        public ConcurrentDictionary<long, bool> EverDead { get; } = new();

        public long Tick() => Interlocked.Increment(ref _clock);

        public void Check(ConcurrentDictionary<long, string> keyOf)
        {
            // Only handlers whose settle counted held the key: a hung one or one closed mid-flight had lost it already.
            var counted = Handled.Where(x => x.Outcome != SettleOutcome.LeaseLost).GroupBy(x => keyOf[x.Id]);
            var completedCount = 0;
            foreach (var key in counted)
            {
                var runs = key.OrderBy(x => x.Start).ToList();
                for (var i = 1; i < runs.Count; i++)
                    Assert.True(runs[i].Start > runs[i - 1].SettleStart, $"Key {key.Key}: message {runs[i].Id} started while {runs[i - 1].Id} was in its handler.");
                var completed = runs.Where(x => x.Outcome == SettleOutcome.Completed && !EverDead.ContainsKey(x.Id)).ToList();
                completedCount += completed.Count;
                foreach (var later in completed)
                {
                    foreach (var earlier in completed.Where(e => e.Id < later.Id))
                        Assert.True(earlier.SettleStart < later.Start, $"Key {key.Key}: message {later.Id} was handled before the earlier {earlier.Id}.");
                }
            }
            Assert.True(completedCount > 0);
        }
    }

    private readonly record struct Handled(long Id, long Start, long SettleStart, SettleOutcome Outcome);

    private sealed class Worker
    {
        private Worker(EngineSubscription subscription) => Subscription = subscription;

        public EngineSubscription Subscription { get; }

        public static async Task<Worker> StartAsync(EngineHarness h, ChaosRun run)
        {
            var subscription = await h.Engine.SubscribeAsync(Orders, new SubscriptionSettings(4, TimeSpan.FromMilliseconds(200)));
            var worker = new Worker(subscription);
            _ = Task.Run(async () =>
            {
                var random = new Random(subscription.GetHashCode());
                await foreach (var delivery in subscription.Deliveries.ReadAllAsync())
                {
                    var start = run.Tick();
                    var roll = random.Next(100);
                    _ = Task.Run(async () =>
                    {
                        // A hung handler outlives its lease; the others take a few milliseconds.
                        await Task.Delay(roll < 2 ? 400 : random.Next(3));
                        var settleStart = run.Tick();
                        var outcome = roll switch
                        {
                            < 8 => await subscription.FailAsync(delivery, FailureKind.Transient, "boom", default),
                            < 10 => await subscription.FailAsync(delivery, FailureKind.Permanent, "poison", default),
                            < 13 => await subscription.ReleaseAsync(delivery, default),
                            _ => await subscription.CompleteAsync(delivery, default),
                        };
                        run.Handled.Add(new Handled(delivery.Id, start, settleStart, outcome));
                    });
                }
            });
            return worker;
        }
    }
}

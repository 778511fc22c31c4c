using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Benchmarks.Throughput;

/// <summary>The ordering workload's message: an id and the customer whose events must stay in order.</summary>
public sealed record CustomerEvent(long Id, string Customer);

/// <summary>Ordered by customer, as a user would declare it.</summary>
[Channel("bench/keyed", OrderBy = nameof(CustomerEvent.Customer))]
public partial interface IKeyedEvents : IQueueChannel<CustomerEvent>;

/// <summary>The same messages on a channel with no ordering, for the comparison.</summary>
[Channel("bench/unkeyed")]
public partial interface IUnkeyedEvents : IQueueChannel<CustomerEvent>;

/// <summary>
/// What ordering by key costs (docs/ordering.md): the typed channel with 10,000 keys against the same workload with no
/// key, 256 producers and 256 handlers, on the in-memory broker and on the embedded one (fsync before every ack), in
/// alternating rounds of one process; and a hot key (half of all messages on one key) next to 10,000 others, to show
/// that it holds only itself up. With a nats-server on the machine, the NATS adapter's keyed and unkeyed runs too
/// (fewer messages: it is an order of magnitude slower; no hot-key run: a hot key stalls its partition's other keys
/// by design, docs/nats.md).
/// </summary>
internal static class OrderingRuns
{
    public const int Keys = 10_000;
    public const int InFlight = 256;

    /// <summary>Where a run's broker is.</summary>
    private enum Adapter
    {
        InMemory,
        Embedded,
        Nats,
    }

    public static async Task RunAsync(Table table, string root, int messages, int natsMessages, int rounds)
    {
        using var nats = NatsServer.FindBinary() is { } binary ? NatsServer.Start(binary, root) : null;
        foreach (var adapter in new[] { Adapter.InMemory, Adapter.Embedded, Adapter.Nats })
        {
            if (adapter == Adapter.Nats && nats is null)
            {
                Console.WriteLine("  (no nats-server on the PATH: the NATS adapter's ordering runs are skipped)");
                continue;
            }
            var where = adapter switch
            {
                Adapter.InMemory => "in-memory",
                Adapter.Embedded => "embedded, fsync",
                _ => "NATS adapter, 32 partitions",
            };
            var count = adapter == Adapter.Nats ? natsMessages : messages;
            var plain = new List<Rates>();
            var keyed = new List<Rates>();
            // One warm-up round of each, not counted.
            await MeasureAsync(root, adapter, nats?.Url, count / 4, keyed: false, hotShare: 0);
            await MeasureAsync(root, adapter, nats?.Url, count / 4, keyed: true, hotShare: 0);
            for (var round = 0; round < rounds; round++)
            {
                plain.Add(await MeasureAsync(root, adapter, nats?.Url, count, keyed: false, hotShare: 0));
                keyed.Add(await MeasureAsync(root, adapter, nats?.Url, count, keyed: true, hotShare: 0));
            }
            var (plainProduce, plainConsume) = (Median(plain.Select(r => r.Produce)), Median(plain.Select(r => r.Consume)));
            var (keyedProduce, keyedConsume) = (Median(keyed.Select(r => r.Produce)), Median(keyed.Select(r => r.Consume)));
            table.Add($"ordering ({where}): typed produce, no key", $"{plainProduce:N0} msg/s", $"{InFlight} producers; median of {rounds}: {List(plain.Select(r => r.Produce))}");
            // Each keyed round against the unkeyed round just before it: the machine's drift between rounds cancels out.
            var pairedProduce = Median(keyed.Zip(plain, (k, p) => k.Produce / p.Produce));
            var pairedConsume = Median(keyed.Zip(plain, (k, p) => k.Consume / p.Consume));
            table.Add($"ordering ({where}): typed produce, {Keys:N0} keys", $"{keyedProduce:N0} msg/s", $"{keyedProduce / plainProduce:P0} of no key (median of the rounds' ratios {pairedProduce:P0}); median of {rounds}: {List(keyed.Select(r => r.Produce))}");
            table.Add($"ordering ({where}): typed consume, no key", $"{plainConsume:N0} msg/s", $"{InFlight} in flight; median of {rounds}: {List(plain.Select(r => r.Consume))}");
            table.Add($"ordering ({where}): typed consume, {Keys:N0} keys", $"{keyedConsume:N0} msg/s", $"{keyedConsume / plainConsume:P0} of no key (median of the rounds' ratios {pairedConsume:P0}); median of {rounds}: {List(keyed.Select(r => r.Consume))}");

            if (adapter == Adapter.Nats)
                continue;
            // Half the messages on one key: the other half must not wait for it.
            var hot = await MeasureAsync(root, adapter, null, count, keyed: true, hotShare: 0.5);
            table.Add(
                $"ordering ({where}): hot key, the other {Keys:N0} keys' half of the messages",
                $"{hot.OthersDone:N0} msg/s",
                $"{hot.OthersDone / keyedConsume:P0} of the keyed consume rate; the hot key meanwhile: {hot.HotRate:N0} msg/s, one at a time ({hot.HotDone:N0} of its {count / 2:N0} done)");
        }
    }

    /// <summary>Produce and consume rates; for a hot-key run, how fast the other keys' messages went, the hot key's own rate, and how many of its messages were done by then.</summary>
    public readonly record struct Rates(double Produce, double Consume, double OthersDone, double HotRate, int HotDone);

    /// <summary>Produces a backlog with 256 producers awaiting their results, then consumes it with 256 handlers.</summary>
    private static async Task<Rates> MeasureAsync(string root, Adapter adapter, string? natsUrl, int messages, bool keyed, double hotShare)
    {
        var directory = Path.Combine(root, "ordering");
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        var services = new ServiceCollection();
        services.AddBroker(b =>
        {
            switch (adapter)
            {
                case Adapter.Embedded:
                    b.UseEmbedded(directory, o => o.Shared = false);
                    break;
                case Adapter.Nats:
                    b.UseNats(o => o.Url = natsUrl!);
                    break;
                default:
                    b.UseInMemory();
                    break;
            }
        }).AddChannels();
        await using var provider = services.BuildServiceProvider();
        IQueueChannel<CustomerEvent> channel = keyed ? provider.GetRequiredService<IKeyedEvents>() : provider.GetRequiredService<IUnkeyedEvents>();
        var hotEvery = hotShare > 0 ? (int)Math.Round(1 / hotShare) : 0;
        // Customer names made once: the run measures the broker, not string formatting.
        var customers = Enumerable.Range(0, Keys).Select(k => $"customer-{k:D5}").ToArray();

        long next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            long id;
            while ((id = Interlocked.Increment(ref next)) <= messages)
            {
                var customer = hotEvery > 0 && id % hotEvery == 0 ? "hot" : customers[id % Keys];
                await channel.ProduceAsync(new CustomerEvent(id, customer));
            }
        })));
        var produce = messages / clock.Elapsed.TotalSeconds;

        var hotTotal = hotEvery > 0 ? messages / hotEvery : 0;
        var othersTotal = messages - hotTotal;
        int completed = 0, others = 0, hot = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        clock.Restart();
        await using (await channel.ConsumeAsync((message, _) =>
        {
            if (message.Data.Customer == "hot")
                Interlocked.Increment(ref hot);
            // A hot-key run ends when every other key's message is done: the hot key goes one at a time, so its backlog
            // outlasts them by design, and the question is only whether they waited for it.
            else if (Interlocked.Increment(ref others) == othersTotal && hotTotal > 0)
                done.TrySetResult();
            if (Interlocked.Increment(ref completed) == messages)
                done.TrySetResult();
            return ValueTask.CompletedTask;
        }, new ConsumeOptions { MaxParallel = InFlight }))
        {
            await done.Task;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var hotDone = Volatile.Read(ref hot);
        return new Rates(produce, messages / seconds, othersTotal / seconds, hotDone / seconds, hotDone);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string List(IEnumerable<double> values) => string.Join(", ", values.Select(v => $"{v / 1000:N0} k"));
}

using System.Collections.Concurrent;
using Broker.Conformance.Faults;
using Broker.Engine.Storage;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Faults;

/// <summary>
/// The embedded log on a real, small tmpfs that fills up while 16 producers and a consumer run: every produce is either
/// acknowledged or refused with StoreFullException (never delivered); completions keep working in the room each
/// segment keeps; the log takes messages again by itself once the file system grows; the log says so once, not per
/// request.
/// </summary>
public sealed class EmbeddedDiskFullTests(ITestOutputHelper output)
{
    private const long SegmentBytes = 256 * 1024;
    private static readonly string Filler = new('x', 1000);

    [TmpfsFact]
    public async Task AFullTmpfsRefusesProducesDefinitelyKeepsCompletionsAndResumesWhenItGrows()
    {
        using var disk = Tmpfs.Mount(4 * 1024 * 1024);
        var directory = Path.Combine(disk.Path, "data");
        var options = new LogStoreOptions { SegmentBytes = SegmentBytes, CompactionInterval = TimeSpan.FromMilliseconds(100) };
        var orders = Channel();
        var acknowledged = new ConcurrentDictionary<string, long>();
        var refused = new ConcurrentBag<string>();
        var completed = new ConcurrentDictionary<long, bool>();
        var completionsRefused = 0;
        var logger = new ListLogger();

        var store = LogQueueStore.Open(directory, options, logger: logger);
        var engine = new QueueEngine(store, ownsStore: true);
        await engine.RecoverAsync();
        var worker = await engine.SubscribeAsync(orders, new SubscriptionSettings(8, TimeSpan.FromMinutes(5)));
        using var stop = new CancellationTokenSource();
        var consumer = Task.Run(async () =>
        {
            // Completes every other delivery and dead-letters the rest: the disk fills with live messages and with dead
            // letters, and settling writes records too.
            await foreach (var delivery in worker.Deliveries.ReadAllAsync(stop.Token))
            {
                try
                {
                    if (delivery.Id % 2 == 1)
                        await worker.FailAsync(delivery, FailureKind.Permanent, "kept as a dead letter", default);
                    else if (await worker.CompleteAsync(delivery, default) == SettleOutcome.Completed)
                        completed[delivery.Id] = true;
                }
                catch (IOException)
                {
                    Interlocked.Increment(ref completionsRefused);
                }
            }
        });

        var producers = Enumerable.Range(0, 16).Select(p => Task.Run(async () =>
        {
            for (var i = 0; refused.Count < 200; i++)
            {
                var text = $"p{p}-{i}";
                try
                {
                    acknowledged[text] = (await engine.ProduceAsync(Message(orders, text))).MessageId;
                }
                catch (StoreFullException)
                {
                    refused.Add(text);
                }
            }
        })).ToList();
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(store.IsFull);

        // The disk grows (an operator freed space): new messages are taken again, without a restart.
        disk.Resize(16 * 1024 * 1024);
        var resumed = false;
        for (var attempt = 0; !resumed; attempt++)
        {
            Assert.True(attempt < 600, "The log did not take messages again after the disk grew.");
            try
            {
                acknowledged["after"] = (await engine.ProduceAsync(Message(orders, "after"))).MessageId;
                resumed = true;
            }
            catch (StoreFullException)
            {
                await Task.Delay(50);
            }
        }
        await stop.CancelAsync();
        await consumer.ContinueWith(_ => { }, TaskScheduler.Default);
        await worker.DisposeAsync();
        await engine.DisposeAsync();

        // After a restart: every acknowledged message not completed is there, deliverable or dead-lettered; no refused one is.
        // On the real clock, as the messages were stored.
        await using var reopened = new QueueEngine(LogQueueStore.Open(directory, options), ownsStore: true);
        var stored = Drain(await reopened.SubscribeAsync(orders, new SubscriptionSettings(1_000_000, TimeSpan.FromMinutes(5)))).ToDictionary(TextOf, d => d.Id);
        foreach (var dead in await reopened.ListDeadLettersAsync(orders.Name, 0, 1_000_000))
            stored.Add(Text(dead).Split('|')[0], dead.Id);
        var expected = acknowledged.Where(a => !completed.ContainsKey(a.Value)).Select(a => a.Key).Order().ToList();
        var lost = expected.Except(stored.Keys).ToList();
        var delivered = refused.Intersect(stored.Keys).ToList();
        output.WriteLine($"acknowledged {acknowledged.Count}, refused {refused.Count}, completed {completed.Count} (refused {completionsRefused}), stored after restart {stored.Count}, lost {lost.Count}, refused but stored {delivered.Count}");
        Assert.Empty(lost);
        Assert.Empty(delivered);
        Assert.Equal(expected, stored.Keys.Order());
        Assert.True(completed.Count > 100, $"Only {completed.Count} completions were acknowledged.");
        // One line when the disk filled and one when it had room again, not one per refused request.
        var lines = logger.Entries.Count(e => e.Level >= LogLevel.Warning);
        Assert.True(lines <= 10, $"{lines} warning or error lines for {refused.Count} refused produces.");
    }

    private static ChannelMessage Message(ChannelDefinition channel, string text) => new(channel, Bytes(text + "|" + Filler), null, TimeSpan.Zero, 0);

    private static string TextOf(Delivery delivery) => Text(delivery).Split('|')[0];
}

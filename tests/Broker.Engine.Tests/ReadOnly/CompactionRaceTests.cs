using Broker.Engine.Management;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Broker.Engine.Tests.Snapshots.DataDirectories;

namespace Broker.Engine.Tests.Snapshots;

/// <summary>
/// Segments the holder's compaction deletes while a snapshot reads: in this process, so the test decides when
/// compaction runs (a log opened here holds the directory just as another process would; the snapshot takes no lock).
/// </summary>
public sealed class CompactionRaceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ASegmentDeletedAfterTheSnapshotOpenedStaysReadableThroughIt()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 300, dead: 2);
        var store = LogQueueStore.Open(directory.Path, new LogStoreOptions { SegmentBytes = SegmentBytes, CompactionInterval = TimeSpan.FromHours(1) });
        await using var holder = new QueueEngine(store, ownsStore: true);
        await holder.RecoverAsync();
        var oldest = store.SegmentFiles[0];

        await using var snapshot = await EmbeddedManagement.OpenAsync(directory.Path);
        Assert.Contains($"in use by process {Environment.ProcessId} ", (await snapshot.GetStatusAsync()).ReadOnlyReason, StringComparison.Ordinal);
        await DrainAsync(holder, Work, 300);
        while (await store.CompactAsync() > 0)
        {
        }

        Assert.False(File.Exists(oldest), "Compaction deleted the oldest segment, which held the dead letters.");
        var letter = await snapshot.GetDeadLetterAsync(Dead, 1);
        Assert.NotNull(letter);
        Assert.StartsWith("dead-0", System.Text.Encoding.UTF8.GetString(letter.Payload.Span), StringComparison.Ordinal);
        Assert.Equal(300, (await snapshot.GetChannelAsync(Work))!.Ready);
        Assert.Equal(0, holder.GetStats(Work).Ready);
    }

    [Fact]
    public async Task SnapshotsTakenWhileCompactionDeletesSegmentsReadAgainInsteadOfFailing()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 0, dead: 2);
        // Buffered: rounds go by quickly, so segments are created and deleted many times during the snapshots.
        var store = LogQueueStore.Open(directory.Path, new LogStoreOptions { SegmentBytes = SegmentBytes, CompactionInterval = TimeSpan.FromHours(1), Durability = DurabilityMode.Buffered });
        await using var holder = new QueueEngine(store, ownsStore: true);
        await holder.RecoverAsync();
        using var stop = new CancellationTokenSource();
        var started = 0;
        var produced = 0;
        var deleted = 0;
        // Produces and completes in rounds, compacting after each, so old segments keep being deleted and live ones rewritten.
        var churn = Task.Run(async () =>
        {
            await using var subscription = await holder.SubscribeAsync(Work, new SubscriptionSettings(64, TimeSpan.FromMinutes(5)));
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Add(ref started, 100);
                await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => holder.ProduceAsync(Work, Message("churn", 400)).AsTask()));
                Interlocked.Add(ref produced, 100);
                for (var i = 0; i < 100; i++)
                {
                    var delivery = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                    await subscription.CompleteAsync(delivery, default);
                }
                Interlocked.Add(ref deleted, await store.CompactAsync());
            }
        });
        var logger = new ListLogger();
        using var loggers = new SingleLoggerFactory(logger);

        var snapshots = 0;
        while (snapshots < 30 || Volatile.Read(ref deleted) < 30)
        {
            Assert.False(churn.IsCompleted, $"The holder stopped: {churn.Exception}");
            snapshots++;
            var before = Volatile.Read(ref produced);
            await using var snapshot = await EmbeddedManagement.OpenAsync(directory.Path, loggers);
            var work = await snapshot.GetChannelAsync(Work);
            Assert.Equal(2, (await snapshot.GetChannelAsync(Dead))!.DeadLetters);
            Assert.Equal(2, (await snapshot.ListDeadLettersAsync(Dead, 0, 10)).Entries.Count);
            if (work is not null)
            {
                // Every message acknowledged before the snapshot is in it; none it has was not produced.
                Assert.InRange(work.LastId, before, Volatile.Read(ref started));
                Assert.InRange(work.Unfinished, 0, 100);
            }
        }
        await stop.CancelAsync();
        await churn;

        var retried = logger.Entries.Count(e => e.Message.Contains("reading it again", StringComparison.Ordinal));
        output.WriteLine($"{snapshots} snapshots while {produced} messages went through and compaction deleted {deleted} segments; {retried} read again after a segment was deleted under them.");
    }

    private static async Task DrainAsync(QueueEngine engine, string channel, int count)
    {
        await using var subscription = await engine.SubscribeAsync(channel, new SubscriptionSettings(64, TimeSpan.FromMinutes(5)));
        for (var i = 0; i < count; i++)
        {
            var delivery = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            await subscription.CompleteAsync(delivery, default);
        }
    }

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}

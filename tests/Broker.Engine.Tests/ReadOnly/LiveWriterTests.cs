using System.Globalization;
using Broker.Engine.Management;
using Broker.Engine.Tests.Crash;
using Broker.Engine.Tests.Support;
using Broker.Management;
using Xunit.Abstractions;
using static Broker.Engine.Tests.Snapshots.DataDirectories;

namespace Broker.Engine.Tests.Snapshots;

/// <summary>
/// Snapshots of a directory another process is writing as fast as it can (the crash host in its "run" mode: four
/// producers and two consumers, 64 KiB segments, compaction every 200 ms, so segments are created and deleted all the
/// time): never an error, never ahead of what the log holds, never behind what was acknowledged before it began.
/// </summary>
public sealed class LiveWriterTests(ITestOutputHelper output)
{
    private const string ExactlyOnce = "crash/exactly-once";
    private const string AtLeastOnce = "crash/at-least-once";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SnapshotsTakenWhileAnotherProcessWritesNeverFailAndNeverRunAheadOfTheLog()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 0, dead: 2);
        var snapshots = new List<(long AckedBefore, long AloAckedBefore, ChannelSummary? ExactlyOnce, ChannelSummary? AtLeastOnce, ChannelSummary? Dead)>();
        var writableSeen = new List<string>();
        using (var writer = CrashHostProcess.Start(directory.Path, 1, "run"))
        {
            if (await Task.WhenAny(writer.Ready, Task.Delay(Generous)) != writer.Ready)
                Assert.Fail($"The writing process did not start: {writer.Errors}");
            var started = DateTime.UtcNow;
            while (snapshots.Count < 40 && DateTime.UtcNow - started < TimeSpan.FromSeconds(60))
            {
                // Every id acknowledged before the snapshot began is on disk, so the snapshot has it.
                var ackedBefore = MaxAcked(writer, "eo");
                var aloAckedBefore = MaxAcked(writer, "alo");
                await using var management = await EmbeddedManagement.OpenAsync(directory.Path);
                var status = await management.GetStatusAsync();
                Assert.True(status.ReadOnly);
                Assert.Contains($"in use by process {writer.Id} ", status.ReadOnlyReason, StringComparison.Ordinal);
                var overview = await management.ListChannelsAsync();
                // Payloads are read from the files, including segments the writer's compaction deletes meanwhile.
                if (Find(overview, AtLeastOnce) is not null)
                {
                    var page = await management.PeekAsync(AtLeastOnce, 0, 50);
                    Assert.All(page.Messages, m => Assert.StartsWith("r1-p", System.Text.Encoding.UTF8.GetString(m.Payload.Span), StringComparison.Ordinal));
                }
                var dead = await management.ListDeadLettersAsync(Dead, 0, 10);
                Assert.Equal(2, dead.Entries.Count);
                writableSeen.AddRange(WritableHandlesUnder(directory.Path));
                snapshots.Add((ackedBefore, aloAckedBefore, Find(overview, ExactlyOnce), Find(overview, AtLeastOnce), Find(overview, Dead)));
            }
            Assert.True(writer.Events > 0, $"The writer did nothing: {writer.Errors}");
            writer.Kill();
        }

        // The writer is gone: the lock is free, and the tool opens the directory itself to read where the log ended.
        await using var final = await EmbeddedManagement.OpenAsync(directory.Path);
        Assert.False((await final.GetStatusAsync()).ReadOnly);
        var last = await final.GetChannelAsync(ExactlyOnce);
        Assert.NotNull(last);
        var lastAlo = (await final.GetChannelAsync(AtLeastOnce))?.LastId ?? long.MaxValue;
        Assert.Empty(writableSeen);
        long previous = 0;
        var aloSeen = 0;
        foreach (var (ackedBefore, aloAckedBefore, exactlyOnce, atLeastOnce, dead) in snapshots)
        {
            Assert.NotNull(dead);
            Assert.Equal(2, dead.DeadLetters);
            // ExactlyOnce keeps its keys an hour, so the channel is always held; its keys come from 500 values.
            var eoLast = exactlyOnce?.LastId ?? 0;
            Assert.True(eoLast >= ackedBefore, $"A snapshot lost acknowledged messages: last id {eoLast}, acknowledged {ackedBefore}.");
            Assert.True(eoLast <= last.LastId, $"A snapshot ran ahead of the log: last id {eoLast}, the log ended at {last.LastId}.");
            Assert.True(eoLast >= previous, "Snapshots went back in time.");
            previous = eoLast;
            if (exactlyOnce is not null)
            {
                Assert.InRange(exactlyOnce.Unfinished, 0, Math.Min(500, exactlyOnce.LastId));
                Assert.Equal(0, exactlyOnce.InFlight);
            }
            if (atLeastOnce is not null)
            {
                aloSeen++;
                Assert.InRange(atLeastOnce.Unfinished, 0, atLeastOnce.LastId);
                Assert.True(atLeastOnce.LastId >= aloAckedBefore, $"A snapshot lost acknowledged messages: last id {atLeastOnce.LastId}, acknowledged {aloAckedBefore}.");
                Assert.True(atLeastOnce.LastId <= lastAlo, $"A snapshot ran ahead of the log: {atLeastOnce.LastId} > {lastAlo}.");
            }
        }
        output.WriteLine($"{snapshots.Count} snapshots; ExactlyOnce last ids {snapshots[0].ExactlyOnce?.LastId} .. {previous} (log ended at {last.LastId}); AtLeastOnce ended at {lastAlo}, held by {aloSeen} snapshots.");
    }

    private static ChannelSummary? Find(ChannelOverview overview, string name) => overview.Channels.FirstOrDefault(c => c.Name == name);

    /// <summary>The highest id among the "ACK eo|alo id ..." lines the writer printed so far.</summary>
    private static long MaxAcked(CrashHostProcess writer, string tag)
    {
        long max = 0;
        foreach (var line in writer.Lines)
        {
            var parts = line.Split(' ');
            if (parts is ["ACK", var t, var id, ..] && t == tag)
                max = Math.Max(max, long.Parse(id, CultureInfo.InvariantCulture));
        }
        return max;
    }
}

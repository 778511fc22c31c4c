using Broker.Engine.Management;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Crash;
using Broker.Engine.Tests.Support;
using Broker.Management;
using static Broker.Engine.Tests.Snapshots.DataDirectories;

namespace Broker.Engine.Tests.Snapshots;

/// <summary>
/// A data directory another process holds (the crash host in its "hold" mode: the log open, its lock taken, nothing
/// written after it says READY) opened by a tool: a read-only snapshot that reads what the files hold, refuses every
/// change naming the holder and what to do, and leaves every byte of every file as it was.
/// </summary>
public sealed class HeldDirectoryTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ASnapshotReadsChannelsAndDeadLettersAndSaysWhoHoldsTheDirectory()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 300, dead: 3);
        using var holder = await HoldAsync(directory.Path);

        await using var management = await EmbeddedManagement.OpenAsync(directory.Path);

        var status = await management.GetStatusAsync();
        Assert.True(status.ReadOnly);
        Assert.Equal(BrokerKind.Embedded, status.Kind);
        Assert.Equal(directory.Path, status.Description);
        Assert.Contains($"in use by process {holder.Id} ", status.ReadOnlyReason, StringComparison.Ordinal);
        Assert.Contains("read-only snapshot", status.ReadOnlyReason, StringComparison.Ordinal);
        Assert.Contains("stop it, or manage the broker through its server with --server", status.ReadOnlyReason, StringComparison.Ordinal);
        Assert.Equal(2, status.Channels);
        Assert.NotNull(status.Log);
        Assert.True(status.Log.Segments > 1, $"300 messages of 400 bytes span several 64 KiB segments: {status.Log}");
        Assert.Equal(Directory.EnumerateFiles(directory.Path, "*.seg").Sum(f => new FileInfo(f).Length), status.Log.Bytes);
        Assert.Equal(0, status.Log.Fsyncs);

        var overview = await management.ListChannelsAsync();
        Assert.Equal([Dead, Work], overview.Channels.Select(c => c.Name));
        var work = overview.Channels[1];
        Assert.Equal(300, work.Ready);
        Assert.Equal(300, work.LastId);
        Assert.Equal(0, work.InFlight);
        var dead = await management.GetChannelAsync(Dead);
        Assert.NotNull(dead);
        Assert.Equal(3, dead.DeadLetters);
        Assert.Equal(0, dead.Ready);
        Assert.Null(await management.GetChannelAsync("ro/none"));

        var letters = await management.ListDeadLettersAsync(Dead, afterId: 0, limit: 10);
        Assert.False(letters.More);
        Assert.Equal([1L, 2L, 3L], letters.Entries.Select(e => e.Id));
        Assert.All(letters.Entries, e => Assert.Equal($"boom {e.Id}", e.Error));
        var page = await management.PeekAsync(Work, afterId: 0, limit: 10);
        Assert.True(page.More);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), page.Messages.Select(m => m.Id));
        Assert.All(page.Messages, m =>
        {
            Assert.Equal(PeekedState.Ready, m.State);
            Assert.Equal(0, m.DeliveryCount);
            Assert.StartsWith("work-", System.Text.Encoding.UTF8.GetString(m.Payload.Span), StringComparison.Ordinal);
            Assert.Equal(400, m.Payload.Length);
        });
        var last = await management.PeekAsync(Work, afterId: 295, limit: 10);
        Assert.False(last.More);
        Assert.Equal([296L, 297L, 298L, 299L, 300L], last.Messages.Select(m => m.Id));
        var first = await management.GetDeadLetterAsync(Dead, 1);
        Assert.NotNull(first);
        Assert.StartsWith("dead-0", System.Text.Encoding.UTF8.GetString(first.Payload.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedriveDeleteAndPurgeAreRefusedNamingTheHolderAndChangeNothing()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 5, dead: 2);
        using var holder = await HoldAsync(directory.Path);
        await using var management = await EmbeddedManagement.OpenAsync(directory.Path);

        var redrive = await Assert.ThrowsAsync<ManagementReadOnlyException>(() => management.RedriveDeadLetterAsync(Dead, 1).AsTask());
        var delete = await Assert.ThrowsAsync<ManagementReadOnlyException>(() => management.DeleteDeadLetterAsync(Dead, 2).AsTask());
        var purge = await Assert.ThrowsAsync<ManagementReadOnlyException>(() => management.PurgeAsync(Work).AsTask());

        foreach (var refused in new[] { redrive, delete, purge })
        {
            Assert.Contains($"'{directory.Path}' is in use by process {holder.Id} ", refused.Message, StringComparison.Ordinal);
            Assert.Contains("--server", refused.Message, StringComparison.Ordinal);
        }
        Assert.Equal((await management.GetStatusAsync()).ReadOnlyReason, redrive.Message);
        Assert.Equal(2, (await management.GetChannelAsync(Dead))!.DeadLetters);
        Assert.Equal(5, (await management.GetChannelAsync(Work))!.Ready);
    }

    [Fact]
    public async Task ASnapshotChangesNoByteOfAnyFileAndOpensNothingForWriting()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 200, dead: 2);
        using var holder = await HoldAsync(directory.Path);
        var before = Fingerprint(directory.Path);

        await using (var management = await EmbeddedManagement.OpenAsync(directory.Path))
        {
            await management.ListChannelsAsync();
            await management.ListDeadLettersAsync(Dead, 0, 10);
            await management.GetDeadLetterAsync(Dead, 1);
            await Assert.ThrowsAsync<ManagementReadOnlyException>(() => management.RedriveDeadLetterAsync(Dead, 1).AsTask());
            Assert.True(HandlesUnder(directory.Path) > 0, "The snapshot keeps its segments open.");
            Assert.Empty(WritableHandlesUnder(directory.Path));
        }

        Assert.Equal(before, Fingerprint(directory.Path));
        Assert.Equal(0, HandlesUnder(directory.Path));
    }

    [Fact]
    public async Task AnEngineOverASnapshotRefusesProducesAndDeclarationsToo()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 1, dead: 0);
        using var holder = await HoldAsync(directory.Path);
        var before = Fingerprint(directory.Path);
        var store = LogQueueStore.OpenSnapshot(directory.Path, "held by the test's other process");
        await using var engine = new QueueEngine(store, ownsStore: true);

        var produce = await Assert.ThrowsAsync<ManagementReadOnlyException>(() => engine.ProduceAsync(Work, Message("more")).AsTask());
        var declare = await Assert.ThrowsAsync<ManagementReadOnlyException>(() => engine.DeclareAsync(new ChannelDefinition("ro/new")).AsTask());

        Assert.Equal("held by the test's other process", produce.Message);
        Assert.Equal("held by the test's other process", declare.Message);
        Assert.True(store.IsReadOnly);
        Assert.Equal(1, engine.GetStats(Work).Ready);
        var health = await store.CheckHealthAsync(default);
        Assert.Equal(TransportHealthStatus.Degraded, health.Status);
        Assert.Contains("read-only snapshot", health.Description, StringComparison.Ordinal);
        await engine.DisposeAsync();
        Assert.Equal(before, Fingerprint(directory.Path));
    }

    [Fact]
    public async Task ADamagedSegmentOfAHeldDirectoryIsReportedNamingTheFileAndLeftAsItIs()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 300, dead: 0);
        using var holder = await HoldAsync(directory.Path);
        var segments = Directory.EnumerateFiles(directory.Path, "*.seg").Order(StringComparer.Ordinal).ToList();
        Assert.True(segments.Count >= 3);
        // A byte in the middle of an older segment: damage with intact records after it, never a torn tail.
        var damaged = segments[1];
        await using (var file = new FileStream(damaged, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            file.Position = 4000;
            var b = file.ReadByte();
            file.Position = 4000;
            file.WriteByte((byte)(b ^ 0xFF));
        }
        var before = Fingerprint(directory.Path);

        var refused = await Assert.ThrowsAsync<LogDataLossException>(() => EmbeddedManagement.OpenAsync(directory.Path));

        Assert.Contains(directory.Path, refused.Message, StringComparison.Ordinal);
        Assert.True(refused.Message.Contains($"Segment {Path.GetFileName(damaged)} is damaged", StringComparison.Ordinal), refused.Message);
        Assert.Contains("checksum", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(directory.Path));
        Assert.Equal(0, HandlesUnder(directory.Path));
    }

    [Fact]
    public async Task ASegmentCutShortOfAHeldDirectoryIsReportedNamingTheFile()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 300, dead: 0);
        using var holder = await HoldAsync(directory.Path);
        var cut = Directory.EnumerateFiles(directory.Path, "*.seg").Order(StringComparer.Ordinal).First();
        await using (var file = new FileStream(cut, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
            file.SetLength(file.Length / 2);
        var before = Fingerprint(directory.Path);

        var refused = await Assert.ThrowsAsync<LogDataLossException>(() => EmbeddedManagement.OpenAsync(directory.Path));

        Assert.Contains(directory.Path, refused.Message, StringComparison.Ordinal);
        Assert.True(refused.Message.Contains($"Segment {Path.GetFileName(cut)} is truncated", StringComparison.Ordinal), refused.Message);
        Assert.Equal(before, Fingerprint(directory.Path));
    }

    [Fact]
    public async Task ATornTailInTheNewestSegmentIsTheEndOfTheSnapshotNotAnError()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 10, dead: 0);
        using var holder = await HoldAsync(directory.Path);
        var newest = Directory.EnumerateFiles(directory.Path, "*.seg").Order(StringComparer.Ordinal).Last();
        long end;
        await using (var file = new FileStream(newest, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            // Half a record after the last intact one: what a reader sees while the holder writes.
            end = LastNonZero(file) + 1;
            file.Position = end;
            file.Write([40, 0, 0, 0, (byte)(0x80 | 2), 1, 2, 3, 4, 5, 6, 7]);
        }
        var before = Fingerprint(directory.Path);

        await using (var management = await EmbeddedManagement.OpenAsync(directory.Path))
            Assert.Equal(10, (await management.GetChannelAsync(Work))!.Ready);

        Assert.Equal(before, Fingerprint(directory.Path));
    }

    /// <summary>Starts a process that opens the log in <paramref name="directory"/> and holds it.</summary>
    internal static async Task<CrashHostProcess> HoldAsync(string directory)
    {
        var holder = CrashHostProcess.Start(directory, 1, "hold");
        if (await Task.WhenAny(holder.Ready, Task.Delay(Generous)) != holder.Ready)
        {
            holder.Dispose();
            Assert.Fail($"The holding process did not start within {Generous.TotalSeconds} s: {holder.Errors}");
        }
        return holder;
    }

    private static long LastNonZero(FileStream file)
    {
        var bytes = new byte[file.Length];
        file.Position = 0;
        file.ReadExactly(bytes);
        return Array.FindLastIndex(bytes, b => b != 0);
    }
}

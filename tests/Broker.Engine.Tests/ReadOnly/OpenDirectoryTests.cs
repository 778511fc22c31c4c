using Broker.Engine.Management;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Broker.Management;
using static Broker.Engine.Tests.Snapshots.DataDirectories;

namespace Broker.Engine.Tests.Snapshots;

/// <summary>
/// A data directory no one holds, opened by a tool: held exclusively until disposed (an application that starts
/// meanwhile is told who holds it), and directories that are no data directory refused without creating anything.
/// </summary>
public sealed class OpenDirectoryTests
{
    [Fact]
    public async Task AFreeDirectoryIsOpenedExclusivelyAndAnotherOpenIsToldWhoHoldsIt()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 3, dead: 2);

        await using (var management = await EmbeddedManagement.OpenAsync(directory.Path))
        {
            var status = await management.GetStatusAsync();
            Assert.False(status.ReadOnly);
            Assert.Null(status.ReadOnlyReason);
            Assert.Equal(directory.Path, status.Description);
            Assert.NotNull(status.Log);

            var second = Assert.Throws<IOException>(() => LogQueueStore.Open(directory.Path));
            Assert.Contains($"'{directory.Path}' is in use by process {Environment.ProcessId} ", second.Message, StringComparison.Ordinal);

            // Holding it, the tool changes it.
            Assert.True(await management.RedriveDeadLetterAsync(Dead, 1));
            Assert.True(await management.DeleteDeadLetterAsync(Dead, 2));
            Assert.Equal(0, (await management.GetChannelAsync(Dead))!.DeadLetters);
        }

        // Released on dispose, and what it did is in the log.
        using var store = LogQueueStore.Open(directory.Path);
        await using var engine = new QueueEngine(store);
        await engine.RecoverAsync();
        Assert.Equal(0, engine.GetStats(Dead).DeadLettered);
        Assert.Equal(1, engine.GetStats(Dead).Ready);
        Assert.Equal(3, engine.GetStats(Work).Ready);
    }

    [Fact]
    public async Task AMissingDirectoryIsNamedAndNotCreated()
    {
        using var parent = new TempDirectory();
        var missing = Path.Combine(parent.Path, "no-such-data");

        var refused = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => EmbeddedManagement.OpenAsync(missing));

        Assert.Contains($"'{missing}' does not exist", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task AnEmptyDirectoryIsNoDataDirectoryAndStaysEmpty()
    {
        using var directory = new TempDirectory();

        var refused = await Assert.ThrowsAsync<NotADataDirectoryException>(() => EmbeddedManagement.OpenAsync(directory.Path));

        Assert.Contains($"'{directory.Path}' is not a broker data directory: it is empty", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public async Task ADirectoryOfOtherFilesIsNoDataDirectoryAndIsLeftAsItIs()
    {
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "notes.txt"), "not a log");
        Directory.CreateDirectory(Path.Combine(directory.Path, "photos"));
        var before = Fingerprint(directory.Path);

        var refused = await Assert.ThrowsAsync<NotADataDirectoryException>(() => EmbeddedManagement.OpenAsync(directory.Path));

        Assert.Contains("no MANIFEST and no segment (*.seg) files, only 2 other entries such as 'notes.txt'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(directory.Path));
        Assert.Equal(2, Directory.EnumerateFileSystemEntries(directory.Path).Count());
    }

    [Fact]
    public async Task ASegmentFileThatIsNotALogIsNamedAndLeftAsItIs()
    {
        using var directory = new TempDirectory();
        var foreign = Path.Combine(directory.Path, "000000000001.seg");
        await File.WriteAllTextAsync(foreign, "These are my holiday notes, not a segment of anything.");
        var before = Fingerprint(directory.Path);

        var refused = await Assert.ThrowsAsync<LogCorruptedException>(() => EmbeddedManagement.OpenAsync(directory.Path));

        Assert.Contains($"'{foreign}' is not a segment of a Broker log", refused.Message, StringComparison.Ordinal);
        // The open would otherwise have cut it off as a torn tail, and made a new log around it.
        Assert.Equal(before, Fingerprint(directory.Path));
    }

    [Fact]
    public async Task AManifestThatIsNotOneIsNamed()
    {
        using var directory = new TempDirectory();
        var manifest = Path.Combine(directory.Path, "MANIFEST");
        await File.WriteAllTextAsync(manifest, "shopping list");
        var before = Fingerprint(directory.Path);

        var refused = await Assert.ThrowsAsync<LogCorruptedException>(() => EmbeddedManagement.OpenAsync(directory.Path));

        Assert.Contains($"'{manifest}' is damaged", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(directory.Path));
    }

    [Fact]
    public async Task ADamagedSegmentOfAFreeDirectoryIsReportedAsRecoveryReportsIt()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 300, dead: 0);
        var damaged = Directory.EnumerateFiles(directory.Path, "*.seg").Order(StringComparer.Ordinal).ElementAt(1);
        await using (var file = new FileStream(damaged, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 4000;
            var b = file.ReadByte();
            file.Position = 4000;
            file.WriteByte((byte)(b ^ 0xFF));
        }

        var refused = await Assert.ThrowsAsync<LogDataLossException>(() => EmbeddedManagement.OpenAsync(directory.Path));

        Assert.True(refused.Message.Contains($"Segment {Path.GetFileName(damaged)} is damaged (a checksum mismatch", StringComparison.Ordinal), refused.Message);
        // Refused, it let go of the directory.
        using var store = LogQueueStore.Open(directory.Path, new LogStoreOptions { AcceptDataLoss = true });
    }

    [Fact]
    public async Task TheStatusCarriesTheLogsFiguresAndItsRecentFsyncs()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 300, dead: 3);

        await using var management = await EmbeddedManagement.OpenAsync(directory.Path);
        var opened = (await management.GetStatusAsync()).Log;
        // Holding the directory, the tool writes (and syncs) when it changes something.
        for (var id = 1; id <= 3; id++)
            Assert.True(await management.RedriveDeadLetterAsync(Dead, id));
        var status = await management.GetStatusAsync();

        Assert.NotNull(opened);
        Assert.NotNull(status.Log);
        Assert.True(status.Log.Fsyncs >= opened.Fsyncs + 3, $"Three re-drives, each awaited, are three group commits: {opened} then {status.Log}");
        Assert.True(status.Log.FsyncMeanMilliseconds > 0, status.Log.ToString());
        Assert.True(status.Log.FsyncMaxMilliseconds >= status.Log.FsyncMeanMilliseconds, status.Log.ToString());
        var files = Directory.EnumerateFiles(directory.Path, "*.seg").ToList();
        Assert.Equal(files.Count, status.Log.Segments);
        Assert.Equal(files.Sum(f => new FileInfo(f).Length), status.Log.Bytes);
    }
}

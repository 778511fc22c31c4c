using Broker.Engine.Management;
using Broker.Engine.Tests.Support;
using static Broker.Engine.Tests.Snapshots.DataDirectories;

namespace Broker.Engine.Tests.Snapshots;

/// <summary>
/// The holder's record (LOCK.owner) is only read to say who holds a directory, and whoever can write in the directory can
/// put anything there: a link to an endless device, a huge file. Reading it must neither hang nor exhaust memory.
/// </summary>
public sealed class HolderRecordTests
{
    [Fact]
    public async Task AHolderRecordThatIsALinkToAnEndlessDeviceIsNotReadToItsEnd()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 3, dead: 0);
        using var holder = await HeldDirectoryTests.HoldAsync(directory.Path);
        var record = Path.Combine(directory.Path, "LOCK.owner");
        File.Delete(record);
        File.CreateSymbolicLink(record, "/dev/zero");

        // On a thread of its own, so that a read that never ends fails the test instead of hanging it.
        await using var management = await Task.Run(() => EmbeddedManagement.OpenAsync(directory.Path)).WaitAsync(TimeSpan.FromSeconds(60));

        var status = await management.GetStatusAsync();
        Assert.True(status.ReadOnly);
        Assert.Contains("in use by another process", status.ReadOnlyReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHolderRecordThatIsANamedPipeIsNotOpened()
    {
        if (OperatingSystem.IsWindows())
            return; // named pipes in the file system are Unix's
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 3, dead: 0);
        using var holder = await HeldDirectoryTests.HoldAsync(directory.Path);
        var record = Path.Combine(directory.Path, "LOCK.owner");
        File.Delete(record);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [record]))
            await mkfifo.WaitForExitAsync();

        // Opening a pipe for reading waits for a writer, which never comes.
        await using var management = await Task.Run(() => EmbeddedManagement.OpenAsync(directory.Path)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains("in use by another process", (await management.GetStatusAsync()).ReadOnlyReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHugeHolderRecordIsCutShort()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 3, dead: 0);
        using var holder = await HeldDirectoryTests.HoldAsync(directory.Path);
        File.WriteAllText(Path.Combine(directory.Path, "LOCK.owner"), "process 1 " + new string('x', 10_000_000));

        await using var management = await EmbeddedManagement.OpenAsync(directory.Path);

        var status = await management.GetStatusAsync();
        Assert.Contains("in use by process 1 xxx", status.ReadOnlyReason, StringComparison.Ordinal);
        Assert.InRange(status.ReadOnlyReason!.Length, 1, 2_000);
    }

    [Theory]
    [InlineData("MANIFEST")]
    [InlineData("segment")]
    public async Task ALogFileReplacedByANamedPipeEndsTheOpenInsteadOfHangingIt(string which)
    {
        if (OperatingSystem.IsWindows())
            return; // named pipes in the file system are Unix's
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: 3, dead: 0);
        using var holder = await HeldDirectoryTests.HoldAsync(directory.Path);
        var file = which == "MANIFEST"
            ? Path.Combine(directory.Path, "MANIFEST")
            : Directory.GetFiles(directory.Path, "*.seg").Order(StringComparer.Ordinal).Last();
        File.Delete(file);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [file]))
            await mkfifo.WaitForExitAsync();

        // Whatever the snapshot makes of an empty file there (a damaged directory, or nothing in that segment), it says so
        // at once: before, the open waited for a writer of the pipe for ever.
        var open = Task.Run(async () =>
        {
            await using var management = await EmbeddedManagement.OpenAsync(directory.Path);
            return await management.GetStatusAsync();
        });
        var finished = await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(60)));

        Assert.Same(open, finished);
        try
        {
            Assert.True((await open).ReadOnly);
        }
        catch (IOException)
        {
            // Refused as damaged, naming the file: also an answer, and the one a MANIFEST with no bytes gets.
        }
    }
}

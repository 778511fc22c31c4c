using Broker.Engine.Management;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Xunit.Abstractions;
using static Broker.Engine.Tests.Snapshots.DataDirectories;

namespace Broker.Engine.Tests.Snapshots;

/// <summary>
/// A snapshot keeps what the engine keeps for a log it owns: positions, not payloads (about 28 bytes a message in the
/// engine's message table). Measured on 200,000 messages of 500 bytes (100 MB of payloads) held by another process.
/// </summary>
[Collection(Serial.Name)]
public sealed class SnapshotMemoryTests(ITestOutputHelper output)
{
    private const int Messages = 200_000;
    private const int PayloadBytes = 500;

    [Fact]
    public async Task ASnapshotOf200000MessagesHoldsPositionsNotPayloads()
    {
        using var directory = new TempDirectory();
        await PopulateAsync(directory.Path, ready: Messages, dead: 0, PayloadBytes, DurabilityMode.Buffered, segmentBytes: 16 * 1024 * 1024);
        var payloads = (long)Messages * PayloadBytes;
        using var holder = await HeldDirectoryTests.HoldAsync(directory.Path);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        await using var snapshot = await EmbeddedManagement.OpenAsync(directory.Path);
        Assert.Equal(Messages, (await snapshot.GetChannelAsync(Work))!.Ready);
        Assert.True((await snapshot.GetStatusAsync()).ReadOnly);
        var page = await snapshot.PeekAsync(Work, afterId: Messages - 10, limit: 10);
        Assert.Equal(10, page.Messages.Count);
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(snapshot);

        output.WriteLine($"{Messages} messages, {payloads / 1_000_000} MB of payloads: a snapshot holds {held / 1_000_000.0:0.0} MB of managed memory ({held / Messages} bytes a message).");
        Assert.True(held < payloads / 10, $"A snapshot holds {held} bytes for {payloads} bytes of payloads: payloads are kept in memory.");
        Assert.True(held / Messages < 64, $"A snapshot holds {held / Messages} bytes a message; the engine's table keeps 28.");
    }
}

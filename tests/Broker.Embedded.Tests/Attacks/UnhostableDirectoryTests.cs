using System.Runtime.Versioning;
using Broker.Embedded.Tests.Support;
using Broker.Engine.Storage.Log;
using Microsoft.Extensions.Logging;
using static Broker.Embedded.Tests.Support.Shared;

namespace Broker.Embedded.Tests.Attacks;

/// <summary>
/// A directory no process can host (a segment in the middle was deleted while nobody hosted: acknowledged messages
/// would be lost) must not make its clients hammer it: a client's takeover fails the same way every time, so retrying
/// it every 20-250 ms only replays the log again (CPU) and writes a warning each time (log spam, 4 lines a second per
/// process, for ever). Found by the attack on the shared embedded broker: with a 105 MB log three such processes spent
/// 11 % of a core each and wrote 1.5 KB of log a second each.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class UnhostableDirectoryTests
{
    // Failed before the fix: the client retries the takeover every 250 ms, logging a warning each time, until the produce
    // gives up after the client's ReconnectWait (30 s): about 110 warnings.
    [Fact]
    public async Task AClientWhoseTakeoverFindsDataLostFailsWithTheLossWithoutRetryingItOverAndOver()
    {
        using var directory = new TempDirectory();
        var orders = Channel();
        // A log of many small segments, written by a host that then leaves.
        await using (var writer = await OpenAsync(directory.Path, o => o.SegmentBytes = 64 * 1024))
        {
            var payload = new string('x', 1000);
            for (var i = 0; i < 600; i++)
                await writer.ProduceAsync(Message(orders, payload + i), default);
        }
        File.Delete(Path.Combine(directory.Path, "000000000003.seg"));

        // Someone holds the lock while the client starts, so it starts as a client and its reconnect loop meets the loss.
        var log = new CapturedLog();
        SharedEmbeddedTransport client;
        using (new FileStream(Path.Combine(directory.Path, "LOCK"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            client = await Attacked.OpenAsync(directory.Path, log, o => o.SegmentBytes = 64 * 1024);
        await using var _ = client;
        Assert.False(client.IsHost);

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await client.ProduceAsync(Message(orders, "after the loss"), default));

        Assert.True(Attacked.Carries<LogDataLossException>(error), $"The produce failed with something else than the loss: {error}");
        var attempts = log.Count(l => l.Category == "Broker.Client" && l.Level >= LogLevel.Warning);
        Assert.True(attempts <= 5, $"The client tried to host a directory that lost data {attempts} times and logged a warning each time.");
    }
}

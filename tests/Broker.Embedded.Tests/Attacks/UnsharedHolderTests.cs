using System.Runtime.Versioning;
using Broker.Embedded.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Broker.Embedded.Tests.Support.Shared;

namespace Broker.Embedded.Tests.Attacks;

/// <summary>
/// A shared client of a directory held by a process that does not share it (UseEmbedded with Shared = false, or
/// broker-server) is told so by the operation that fails, not only by a health check: found by the attack, a produce
/// failed after 30 s with "Could not reach the broker server at unix:/dir/broker.sock within 30 s: Cannot assign
/// requested address" (.NET's words for "no such socket file"), which names neither the holder nor the way out.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class UnsharedHolderTests
{
    // Failed before the fix: the error names the socket and "Cannot assign requested address", not the holder.
    [Fact]
    public async Task AProduceToADirectoryHeldByAProcessThatDoesNotShareItFailsNamingTheHolder()
    {
        using var directory = new TempDirectory();
        using var alone = HoldUnshared(directory.Path);
        await using var client = await OpenAsync(directory.Path);

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await client.ProduceAsync(Message(Channel(), "nobody serves this"), default));

        Assert.Contains($"process {Environment.ProcessId} ", error.Message, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using Xunit.Abstractions;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// Three application processes producing and consuming on one directory; a process that does NOT host is SIGKILLed in
/// the middle of its messages, five times, and replaced each time. Proves that a client's death costs nothing but
/// redeliveries: its connection closes, the host hands its leases to the consumers still there at once, nothing
/// acknowledged is lost, the host never changes (so no other process sees an unknown outcome or a failure), and each
/// message is stored once.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ClientKillTests(ITestOutputHelper output)
{
    private const int Kills = 5;
    private const int AcknowledgedBetweenKills = 500;

    [Fact]
    public async Task KillingAProcessThatDoesNotHostLosesNothingAndLeavesTheHostInPlace()
    {
        await using var fleet = new ProcessFleet();
        var ledger = fleet.Ledger;
        foreach (var process in Enumerable.Range(0, 3).Select(_ => fleet.Start("both")).ToList())
            await fleet.ReadyAsync(process);
        var host = fleet.Host();

        for (var kill = 1; kill <= Kills; kill++)
        {
            var before = ledger.Acknowledged;
            await fleet.UntilAsync(() => ledger.Acknowledged >= before + AcknowledgedBetweenKills, $"{AcknowledgedBetweenKills} more acknowledged produces before kill {kill}");
            var victim = fleet.Live.First(p => p != host);
            var killedAt = await victim.KillAsync(ledger);
            // The others carry on under the same host: produces acknowledged after the kill, by someone else.
            await fleet.UntilAsync(() => ledger.FirstAckSince(killedAt) is not null, $"produces to go on after kill {kill}");
            output.WriteLine($"kill {kill}: {victim.Name} (client) killed; {ledger.FirstAckSince(killedAt)!.Process} acknowledged next");
            await fleet.ReadyAsync(fleet.Start("both"));
        }
        await fleet.StopProducingAndDrainAsync();

        output.WriteLine($"{ledger.Summary()}; redelivered keys {ledger.HandledMoreThanOnce().Count}; handled: {ledger.HandledPerProcess()}");
        Assert.Same(host, fleet.Host());
        Assert.Null(ledger.FirstHostSince(0, except: host.Name));
        Assert.Equal(0, ledger.Unknown);
        Assert.Empty(ledger.Failures);
        Assert.Empty(ledger.Lost());
        Assert.Empty(ledger.StoredTwice());
        Assert.Empty(ledger.Unexpected());
    }
}

using System.Diagnostics;
using Xunit.Abstractions;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// Three application processes on one directory, each producing (ExactlyOnce and AtLeastOnce alike) and consuming at
/// once, none dying: one hosts, two are its clients, and every acknowledged message is handled exactly once, under the
/// id its produce was acknowledged with, by whichever process took it; no produce fails.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ConcurrentProcessTests(ITestOutputHelper output)
{
    private const int PerProcess = 1000;

    [Fact]
    public async Task ThreeProcessesProducingAndConsumingAtOnceHandleEveryAcknowledgedMessageOnce()
    {
        await using var fleet = new ProcessFleet();
        var watch = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, 3).Select(_ => fleet.Start("both", ProduceMode.Mixed, PerProcess)).ToList();

        await fleet.UntilAsync(() => processes.All(p => fleet.Ledger.HasPrinted(p.Name, ChildOutput.Produced)), "every process to have its messages acknowledged");
        await fleet.UntilAsync(() => fleet.Ledger.Lost().Count == 0, "every acknowledged message to be handled");

        var ledger = fleet.Ledger;
        var host = fleet.Host();
        output.WriteLine($"{watch.Elapsed.TotalSeconds:0.0} s: {ledger.Summary()}; host {host.Name}; " +
            $"handled: {ledger.HandledPerProcess()}");
        Assert.Equal(3 * PerProcess, ledger.Acknowledged);
        Assert.Equal(3 * PerProcess / 2, ledger.AcknowledgedAs(QueueMessageProcessing.ExactlyOnce));
        Assert.Empty(ledger.Failures);
        Assert.Empty(ledger.Retries);
        Assert.Equal(0, ledger.Unknown);
        Assert.Empty(ledger.StoredTwice());
        Assert.Empty(ledger.Unexpected());
        // Nobody died and leases last 30 s: no reason for any redelivery.
        Assert.Empty(ledger.HandledMoreThanOnce());
    }
}

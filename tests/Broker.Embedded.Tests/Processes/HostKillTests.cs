using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// Three application processes producing (ExactlyOnce and AtLeastOnce alternately) and consuming on one directory;
/// whichever of them hosts is SIGKILLed, ten times, and replaced by a new process each time. Proves that another
/// process takes over (timed from the kill until it reports HOST, and until produces are acknowledged again), that no
/// acknowledged message is lost, that each ExactlyOnce key is stored once, that two processes never host at once, and
/// that a host's memory stays bounded.
/// </summary>
/// <remarks>
/// What ExactlyOnce promises, and so what is asserted: it deduplicates <em>produces</em> by key within the window. A
/// producer retries an ExactlyOnce produce under the same key until it is acknowledged, so however many attempts a
/// crash causes, the broker stores one message per key, and every handling of that key carries the message id the
/// produce was acknowledged with (<see cref="ProcessLedger.StoredTwice"/>, checked for AtLeastOnce too: the client never
/// resends one whose first attempt may have been stored, it reports the outcome as unknown instead). It does not
/// promise a single handling: a message whose consumer (or whose host) died mid-handler, or whose acknowledgement died
/// with the host, is delivered again (at-least-once consumption), so a key may be handled twice, under the same id.
/// </remarks>
[Collection(ProcessCollection.Name)]
public sealed class HostKillTests(ITestOutputHelper output)
{
    private const int Kills = 10;
    private const int AcknowledgedBetweenKills = 1000;

    // The issue says "within about a second"; the bound leaves room for a loaded 2-core machine, the figures are printed.
    private static readonly TimeSpan TakeoverBound = TimeSpan.FromSeconds(10);

    // A host holding the engine, the server and a few thousand small messages; today's figures are printed.
    private const long ResidentBound = 400L * 1024 * 1024;

    [Fact]
    public async Task KillingWhicheverProcessHostsLosesNoAcknowledgedMessageAndStoresEachExactlyOnceKeyOnce()
    {
        await using var fleet = new ProcessFleet();
        var ledger = fleet.Ledger;
        var watch = Stopwatch.StartNew();
        foreach (var process in Enumerable.Range(0, 3).Select(_ => fleet.Start("both")).ToList())
            await fleet.ReadyAsync(process);

        var toHost = new List<TimeSpan>();
        var toProduce = new List<TimeSpan>();
        var hostResident = new List<long>();
        var clientResident = new List<long>();
        for (var kill = 1; kill <= Kills; kill++)
        {
            var before = ledger.Acknowledged;
            await fleet.UntilAsync(() => ledger.Acknowledged >= before + AcknowledgedBetweenKills, $"{AcknowledgedBetweenKills} more acknowledged produces before kill {kill}");
            var host = fleet.Host();
            var resident = host.ResidentBytes();
            hostResident.Add(resident);
            clientResident.AddRange(fleet.Live.Where(p => p != host).Select(p => p.ResidentBytes()));

            var killedAt = await host.KillAsync(ledger);
            await fleet.UntilAsync(() => ledger.FirstHostSince(killedAt) is not null, $"a process to take over after kill {kill}");
            var next = ledger.FirstHostSince(killedAt)!;
            // Counted from the new host's report, so an answer the old host sent just before dying never counts.
            await fleet.UntilAsync(() => ledger.FirstAckSince(next.Timestamp) is not null, $"produces to resume after kill {kill}");
            var resumed = ledger.FirstAckSince(next.Timestamp)!;
            toHost.Add(Stopwatch.GetElapsedTime(killedAt, next.Timestamp));
            toProduce.Add(Stopwatch.GetElapsedTime(killedAt, resumed.Timestamp));
            output.WriteLine($"kill {kill}: {host.Name} (host, {Mib(resident)} resident) killed; {next.Process} hosts after {Ms(toHost[^1])}, " +
                $"produces acknowledged again after {Ms(toProduce[^1])} ({resumed.Process})");

            await fleet.ReadyAsync(fleet.Start("both"));
        }
        await fleet.StopProducingAndDrainAsync();

        output.WriteLine($"{Kills} kills in {watch.Elapsed.TotalSeconds:0.0} s: {ledger.Summary()}; redelivered keys {ledger.HandledMoreThanOnce().Count}; handled: {ledger.HandledPerProcess()}");
        output.WriteLine($"takeover (kill to HOST): min {Ms(toHost.Min())}, median {Ms(Median(toHost))}, max {Ms(toHost.Max())}; " +
            $"kill to produces acknowledged again: min {Ms(toProduce.Min())}, median {Ms(Median(toProduce))}, max {Ms(toProduce.Max())}");
        output.WriteLine($"host RSS before its kill: min {Mib(hostResident.Min())}, max {Mib(hostResident.Max())}; clients' RSS then: max {Mib(clientResident.Max())}");
        foreach (var failure in ledger.Failures.Concat(ledger.Retries).Take(5))
            output.WriteLine("failure: " + failure);

        Assert.Empty(ledger.Lost());
        Assert.Empty(ledger.StoredTwice());
        Assert.Empty(ledger.Unexpected());
        Assert.Empty(ledger.OverlappingHosts());
        // Retries of ExactlyOnce produces are allowed (that is what the key is for); a produce failing for good is not.
        Assert.Empty(ledger.Failures);
        Assert.All(toHost.Concat(toProduce), t => Assert.True(t < TakeoverBound, $"A takeover took {Ms(t)}."));
        Assert.All(hostResident, r => Assert.True(r < ResidentBound, $"A host held {Mib(r)} resident."));
        Assert.True(ledger.AcknowledgedAs(QueueMessageProcessing.ExactlyOnce) > Kills * AcknowledgedBetweenKills / 3, "Too few ExactlyOnce produces to mean anything.");
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}

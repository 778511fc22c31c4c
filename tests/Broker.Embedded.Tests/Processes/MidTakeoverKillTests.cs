using System.Diagnostics;
using System.Globalization;
using Broker.Engine.Storage.Log;
using Xunit.Abstractions;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// The host SIGKILLed, and then the process that takes the lock after it, killed in turn the moment its LOCK.owner
/// record appears: in the middle of its takeover (replaying the log, opening the socket), before it reports HOST. Five
/// times, four processes producing and consuming. Proves that a takeover cut short costs nothing either: a third process
/// hosts, no acknowledged message is lost or stored twice (see <see cref="HostKillTests"/> for what ExactlyOnce
/// promises), no produce fails for good, and no two processes host at once.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class MidTakeoverKillTests(ITestOutputHelper output)
{
    private const int DoubleKills = 5;
    private const int AcknowledgedBetweenKills = 1000;

    [Fact]
    public async Task KillingTheNextHostInTheMiddleOfItsTakeoverLosesNoAcknowledgedMessage()
    {
        await using var fleet = new ProcessFleet();
        var ledger = fleet.Ledger;
        foreach (var process in Enumerable.Range(0, 4).Select(_ => fleet.Start("both")).ToList())
            await fleet.ReadyAsync(process);

        var cutShort = 0;
        for (var kill = 1; kill <= DoubleKills; kill++)
        {
            var before = ledger.Acknowledged;
            await fleet.UntilAsync(() => ledger.Acknowledged >= before + AcknowledgedBetweenKills, $"{AcknowledgedBetweenKills} more acknowledged produces before kill {kill}");
            var host = fleet.Host();
            var killedAt = await host.KillAsync(ledger);

            AppProcess? heir = null;
            await fleet.UntilAsync(() => (heir = LockHolder(fleet)) is not null, $"a process to take the lock after kill {kill}");
            var heirReportedHost = ledger.RoleOf(heir!.Name) == true;
            var heirKilledAt = await heir.KillAsync(ledger);
            if (!heirReportedHost)
                cutShort++;
            // Not the heir: its HOST line, had it come in the microseconds between the stamp and the signal, is not a third host.
            await fleet.UntilAsync(() => ledger.FirstHostSince(heirKilledAt, except: heir.Name) is not null, $"a third process to host after kill {kill}");
            var third = ledger.FirstHostSince(heirKilledAt, except: heir.Name)!;
            output.WriteLine($"kill {kill}: {host.Name} (host), then {heir.Name} {Ms(Stopwatch.GetElapsedTime(killedAt, heirKilledAt))} later " +
                $"({(heirReportedHost ? "it had reported HOST already" : "before it reported HOST")}); {third.Process} hosts " +
                $"{Ms(Stopwatch.GetElapsedTime(heirKilledAt, third.Timestamp))} after the second kill");

            await fleet.ReadyAsync(fleet.Start("both"));
            await fleet.ReadyAsync(fleet.Start("both"));
        }
        await fleet.StopProducingAndDrainAsync();

        output.WriteLine($"{ledger.Summary()}; takeovers cut short before the HOST report: {cutShort} of {DoubleKills}");
        Assert.Empty(ledger.Lost());
        Assert.Empty(ledger.StoredTwice());
        Assert.Empty(ledger.Unexpected());
        Assert.Empty(ledger.OverlappingHosts());
        Assert.Empty(ledger.Failures);
    }

    /// <summary>The live process the directory's LOCK.owner record names: the lock's holder, whether it reports HOST yet or not.</summary>
    private static AppProcess? LockHolder(ProcessFleet fleet)
    {
        var owner = OsLogFileSystem.ReadOwner(Path.Combine(fleet.Directory, "LOCK.owner"));
        return fleet.Live.FirstOrDefault(p => owner.StartsWith($"process {p.Id} ", StringComparison.Ordinal));
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}

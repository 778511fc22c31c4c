using Broker.Engine.Storage.Log;
using Xunit.Abstractions;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// Four processes, loaded and then told to go at the same instant, open one directory together; the host is killed so
/// the other three race for the lock; three rounds, the later ones on the log and the stale socket the earlier left. At
/// every moment at most one process reports HOST, exactly one once they settle, and it is the one that holds the
/// directory's lock (its LOCK.owner record names it, and this test's own flock on the directory is refused while it
/// lives); every survivor's produces go through the new host.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SingleHostTests(ITestOutputHelper output)
{
    private const int Rounds = 3;
    private const int Racers = 4;

    [Fact]
    public async Task ProcessesStartingTogetherOrRacingForALostHostNeverHostTwice()
    {
        await using var fleet = new ProcessFleet();
        var ledger = fleet.Ledger;
        for (var round = 1; round <= Rounds; round++)
        {
            var racers = Enumerable.Range(0, Racers).Select(_ => fleet.Start("both", startOnGo: true)).ToArray();
            await fleet.UntilAsync(() => racers.All(r => ledger.HasPrinted(r.Name, ChildOutput.Waiting)), $"the racers of round {round} to load");
            await Task.WhenAll(racers.Select(r => r.GoAsync()));
            foreach (var racer in racers)
                await fleet.ReadyAsync(racer);
            var host = AssertSingleHost(fleet, racers);

            var killedAt = await host.KillAsync(ledger);
            await fleet.UntilAsync(() => ledger.FirstHostSince(killedAt) is not null, $"a survivor to take over in round {round}");
            var survivors = racers.Where(r => r != host).ToArray();
            var next = AssertSingleHost(fleet, survivors);
            // Every survivor reconnects to the new host: each one's produces are acknowledged again, through it.
            var tookOver = ledger.FirstHostSince(killedAt)!.Timestamp;
            await fleet.UntilAsync(() => survivors.All(s => ledger.FirstAckSince(tookOver, s.Name) is not null), $"every survivor's produces to be acknowledged by the new host in round {round}");
            output.WriteLine($"round {round}: {host.Name} of {string.Join(", ", racers.Select(r => r.Name))} hosted; after its kill {next.Name} took over");

            // The clients first, the host last: nobody is left to take over, so the next round starts on a free lock.
            foreach (var racer in survivors.OrderBy(r => r == next))
                await racer.KillAsync(ledger);
        }

        output.WriteLine($"{ledger.HostReports} HOST reports in {Rounds} rounds, {ledger.Acknowledged} produces acknowledged");
        Assert.Empty(ledger.OverlappingHosts());
        // One host per start and one per takeover: a process that reported HOST a second time, or alongside, would add one.
        Assert.Equal(2 * Rounds, ledger.HostReports);
        Assert.Empty(ledger.Failures);
    }

    /// <summary>Exactly one of <paramref name="processes"/> reports HOST, and it holds the directory's lock.</summary>
    private static AppProcess AssertSingleHost(ProcessFleet fleet, IReadOnlyList<AppProcess> processes)
    {
        var host = fleet.Host();
        Assert.Contains(host, processes);
        Assert.All(processes.Where(p => p != host), p => Assert.False(fleet.Ledger.RoleOf(p.Name), $"{p.Name} reports HOST besides {host.Name}."));

        var owner = OsLogFileSystem.ReadOwner(Path.Combine(fleet.Directory, "LOCK.owner"));
        Assert.StartsWith($"process {host.Id} ", owner, StringComparison.Ordinal);
        using var taken = DirectoryLock.TryTake(fleet.Directory, out var heldByAnother);
        Assert.Null(taken);
        Assert.True(heldByAnother, "The directory's lock is free while a process reports hosting it.");
        return host;
    }
}

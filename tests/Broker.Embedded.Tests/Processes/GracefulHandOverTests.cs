using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// The hosting process stopped with SIGTERM (its generic host stops it as any application stops: services first, then the
/// service provider, which hands the directory over), three times in a row under load, each time replaced by a new
/// process. Proves the graceful hand-over's promise: no produce anywhere fails (no outcome unknown, no error, no retry),
/// the stopped host exits cleanly, another process hosts, and no acknowledged message is lost or stored twice. Nor is
/// any handled twice: the stopping host sends no new deliveries and waits for the clients' handlers to settle those they
/// hold before its goodbye (the next host never leased them, and would refuse their completions).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class GracefulHandOverTests(ITestOutputHelper output)
{
    private const int HandOvers = 3;
    private const int AcknowledgedBetweenHandOvers = 1000;

    [Fact]
    public async Task StoppingTheHostGracefullyFailsNoProduceInAnyProcessAndLosesNothing()
    {
        await using var fleet = new ProcessFleet();
        var ledger = fleet.Ledger;
        foreach (var process in Enumerable.Range(0, 3).Select(_ => fleet.Start("both")).ToList())
            await fleet.ReadyAsync(process);

        for (var handOver = 1; handOver <= HandOvers; handOver++)
        {
            var before = ledger.Acknowledged;
            await fleet.UntilAsync(() => ledger.Acknowledged >= before + AcknowledgedBetweenHandOvers, $"{AcknowledgedBetweenHandOvers} more acknowledged produces before hand-over {handOver}");
            var host = fleet.Host();

            var stoppedAt = Stopwatch.GetTimestamp();
            host.Terminate();
            await fleet.UntilAsync(() => ledger.FirstHostSince(stoppedAt) is not null, $"a process to host after hand-over {handOver}");
            var next = ledger.FirstHostSince(stoppedAt)!;
            var exitCode = await host.WaitForExitAsync(ProcessFleet.Generous);
            output.WriteLine($"hand-over {handOver}: {host.Name} stopped (exit code {exitCode}); {next.Process} hosts " +
                $"{Stopwatch.GetElapsedTime(stoppedAt, next.Timestamp).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms after the SIGTERM");
            Assert.Equal(0, exitCode);
            Assert.True(ledger.HasPrinted(host.Name, ChildOutput.Exited), $"{host.Name} did not finish its shutdown.\n{host.Describe()}");

            await fleet.ReadyAsync(fleet.Start("both"));
        }
        await fleet.StopProducingAndDrainAsync();

        output.WriteLine($"{ledger.Summary()}; redelivered keys {ledger.HandledMoreThanOnce().Count}; handled: {ledger.HandledPerProcess()}");
        foreach (var failure in ledger.Failures.Concat(ledger.Retries).Take(5))
            output.WriteLine("failure: " + failure);
        Assert.Empty(ledger.Failures);
        Assert.Empty(ledger.Retries);
        Assert.Equal(0, ledger.Unknown);
        Assert.Empty(ledger.Lost());
        Assert.Empty(ledger.StoredTwice());
        Assert.Empty(ledger.HandledMoreThanOnce());
        Assert.Empty(ledger.Unexpected());
        fleet.Host();
    }
}

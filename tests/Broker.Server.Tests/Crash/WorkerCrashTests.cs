using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Broker.Client;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Crash;

/// <summary>
/// Worker processes killed with SIGKILL mid-message (20 times, 3 workers running) and frozen with SIGSTOP: a killed
/// worker's connection closes, so its lease is lost at once and another worker finishes the message; a frozen one
/// keeps its connection, so the lease runs out and its late acknowledgement is refused.
/// </summary>
public sealed class WorkerCrashTests(ITestOutputHelper output)
{
    private const int Kills = 20;
    private const int Jobs = 60;

    [Fact]
    public async Task EveryJobIsCompletedAndEachKilledOneByAnotherWorker()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseServer(server.Address)).AddChannels();
        await using var provider = services.BuildServiceProvider();
        var channel = provider.GetRequiredService<ICrashJobs>();
        var transport = (ServerQueueTransport)provider.GetRequiredService<IQueueTransport>();

        var events = Channel.CreateUnbounded<WorkerEvent>();
        var workers = new ConcurrentDictionary<string, ChildProcess>();
        var started = 0;
        void StartWorker()
        {
            var name = "w" + Interlocked.Increment(ref started).ToString(CultureInfo.InvariantCulture);
            var process = ChildProcess.Start("Broker.Server.Tests.dll", ["worker", server.Address, name]);
            workers[name] = process;
            _ = ForwardAsync(name, process, events.Writer);
        }
        for (var i = 0; i < 3; i++) StartWorker();

        // Every third job is a victim: its first delivery hangs until the test kills that worker.
        for (var number = 1; number <= Jobs; number++)
            await channel.ProduceAsync(new Job(number, Victim: number % 3 == 0));

        var done = new ConcurrentDictionary<int, List<(string Worker, int Tries)>>();
        var kills = new List<(string Worker, int Number, Stopwatch Since)>();
        var redeliveredAfter = new List<TimeSpan>();
        var watch = Stopwatch.StartNew();
        while (done.Count < Jobs || kills.Count < Kills)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(150))
                Assert.Fail($"After {watch.Elapsed}: {kills.Count} kills, {done.Count} of {Jobs} jobs done.");
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var e = await events.Reader.ReadAsync(wait.Token);
            if (e.Kind == "DONE")
            {
                done.GetOrAdd(e.Number, _ => []).Add((e.Worker, e.Tries));
            }
            else if (e.Kind == "START" && e.Tries > 1 && kills.FirstOrDefault(k => k.Number == e.Number) is { Since: not null } killed && killed.Worker != e.Worker)
            {
                redeliveredAfter.Add(killed.Since.Elapsed);
            }
            else if (e.Kind == "START" && e.Tries == 1 && e.Number % 3 == 0 && workers.TryRemove(e.Worker, out var victim))
            {
                await victim.KillAsync();
                kills.Add((e.Worker, e.Number, Stopwatch.StartNew()));
                StartWorker();
            }
        }

        // The last DONE is printed just before its acknowledgement is sent.
        await Waits.UntilAsync(async () => (await transport.GetStatsAsync("crash/jobs")).Unfinished == 0, "the last acknowledgements");
        var stats = await transport.GetStatsAsync("crash/jobs");
        var lost = Enumerable.Range(1, Jobs).Where(n => !done.ContainsKey(n)).ToList();
        var unexpected = done.Keys.Where(n => n is < 1 or > Jobs).ToList();
        var duplicated = done.Where(d => d.Value.Count > 1).Select(d => d.Key).ToList();
        output.WriteLine($"kills {kills.Count}, workers started {started}, done {done.Count}, lost {lost.Count}, unexpected {unexpected.Count}, duplicated {duplicated.Count}, " +
            $"redelivered after a kill within {redeliveredAfter.DefaultIfEmpty().Max().TotalMilliseconds:0} ms at most, {watch.Elapsed.TotalSeconds:0.0} s in all");
        Assert.Equal(Kills, kills.Count);
        Assert.Empty(lost);
        Assert.Empty(unexpected);
        Assert.Empty(duplicated);
        foreach (var (worker, number, _) in kills)
        {
            var (finisher, tries) = Assert.Single(done[number]);
            Assert.NotEqual(worker, finisher);
            Assert.True(tries >= 2, $"Job {number} was finished on delivery {tries}.");
        }
        // The lease is 30 s; a redelivery this quick can only come from the closed connection.
        Assert.All(redeliveredAfter, after => Assert.True(after < TimeSpan.FromSeconds(10), $"Redelivered {after} after the kill."));
        Assert.Equal((0, 0), (stats.Unfinished, stats.DeadLettered));
        foreach (var worker in workers.Values) await worker.DisposeAsync();
    }

    [Fact]
    public async Task FrozenWorkerLosesItsLeaseAtExpiryAndItsLateAcknowledgementIsRefused()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        var jobs = new ChannelDefinition("crash/zombie");
        await using var transport = TestServer.CreateTransport(server.Address);
        await using var zombie = ChildProcess.Start("Broker.Server.Tests.dll", ["zombie", server.Address, jobs.Name, "1500"]);
        await zombie.WaitForLineAsync("READY");
        var produced = await transport.ProduceAsync(Payloads.Message(jobs, "contested"), CancellationToken.None);
        await zombie.WaitForLineAsync($"DELIVERED {produced.MessageId} 1");

        zombie.Freeze();
        await using var healthy = await transport.SubscribeAsync(jobs, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        var redelivered = await healthy.NextAsync();
        Assert.Equal(SettleOutcome.Completed, await healthy.CompleteAsync(redelivered, CancellationToken.None));
        zombie.Thaw();
        await zombie.WriteLineAsync("settle");

        await zombie.WaitForLineAsync("SETTLED LeaseLost");
        Assert.Equal((produced.MessageId, 2), (redelivered.Id, redelivered.Tries));
        Assert.Equal(0, (await transport.GetStatsAsync(jobs.Name)).Unfinished);
    }

    private static async Task ForwardAsync(string worker, ChildProcess process, ChannelWriter<WorkerEvent> events)
    {
        try
        {
            await foreach (var line in process.Lines.ReadAllAsync())
            {
                var parts = line.Split(' ');
                if (parts is [("START" or "DONE") and var kind, var number, var tries])
                    await events.WriteAsync(new WorkerEvent(worker, kind, int.Parse(number, CultureInfo.InvariantCulture), int.Parse(tries, CultureInfo.InvariantCulture)));
            }
        }
        catch (ChannelClosedException)
        {
        }
    }

    private sealed record WorkerEvent(string Worker, string Kind, int Number, int Tries);
}

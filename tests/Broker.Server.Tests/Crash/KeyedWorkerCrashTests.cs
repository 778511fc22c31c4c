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
/// Ordering by key across real worker processes killed with SIGKILL in the middle of a key's message: the killed head
/// goes to another worker first, each key's jobs finish in production order, and no two jobs of a key are ever in
/// handlers at once. Workers stamp their lines with the machine's monotonic clock, so the test orders the events of
/// different processes as they happened, not as their pipes delivered them.
/// </summary>
public sealed class KeyedWorkerCrashTests(ITestOutputHelper output)
{
    private const int Keys = 6;
    private const int PerKey = 12;

    [Fact]
    public async Task EachKeyFinishesInOrderAndOneAtATimeThroughKills()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseServer(server.Address)).AddChannels();
        await using var provider = services.BuildServiceProvider();
        var channel = provider.GetRequiredService<ICrashKeyedJobs>();
        var transport = (ServerQueueTransport)provider.GetRequiredService<IQueueTransport>();

        var events = Channel.CreateUnbounded<KeyedEvent>();
        var workers = new ConcurrentDictionary<string, ChildProcess>();
        var started = 0;
        void StartWorker()
        {
            var name = "k" + Interlocked.Increment(ref started).ToString(CultureInfo.InvariantCulture);
            var process = ChildProcess.Start("Broker.Server.Tests.dll", ["keyed-worker", server.Address, name]);
            workers[name] = process;
            _ = ForwardAsync(name, process, events.Writer);
        }
        for (var i = 0; i < 3; i++) StartWorker();

        // Every fourth job of a key is a victim: its first delivery hangs until the test kills that worker.
        for (var seq = 1; seq <= PerKey; seq++)
        {
            for (var key = 0; key < Keys; key++)
                await channel.ProduceAsync(new KeyedJob($"key-{key}", seq, Victim: seq % 4 == 0));
        }

        var all = new List<KeyedEvent>();
        var done = new HashSet<(string, int)>();
        var kills = new List<(string Worker, long At)>();
        var killsEnded = new Dictionary<string, long>();
        var watch = Stopwatch.StartNew();
        while (done.Count < Keys * PerKey)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(150))
                Assert.Fail($"After {watch.Elapsed}: {kills.Count} kills, {done.Count} of {Keys * PerKey} jobs done.");
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var e = await events.Reader.ReadAsync(wait.Token);
            all.Add(e);
            if (e.Kind == "DONE")
            {
                done.Add((e.Key, e.Seq));
            }
            else if (e.Tries == 1 && e.Seq % 4 == 0 && workers.TryRemove(e.Worker, out var victim))
            {
                // Stamped before the kill: the worker's handlers end no earlier, and its head is redelivered only after.
                kills.Add((e.Worker, Stopwatch.GetTimestamp()));
                await victim.KillAsync();
                // And after it: everything the worker printed came before this.
                killsEnded[e.Worker] = Stopwatch.GetTimestamp();
                StartWorker();
            }
        }
        await Waits.UntilAsync(async () => (await transport.GetStatsAsync("crash/keyed")).Unfinished == 0, "the last acknowledgements");

        // Replay the events in the order they happened: a killed worker's handlers end at its kill.
        var killedAt = kills.ToDictionary(k => k.Worker, k => k.At);
        var inHandler = new Dictionary<string, (string Worker, int Seq)>();
        var lastDone = new Dictionary<string, int>();
        // Who printed each key's last DONE, and when: a worker prints DONE before it sends the acknowledgement, so one
        // killed in between has its message delivered again (at least once), still before the key's next message.
        var lastDoneBy = new Dictionary<string, (string Worker, long At)>();
        var violations = new List<string>();
        foreach (var e in all.OrderBy(e => e.Timestamp))
        {
            if (inHandler.TryGetValue(e.Key, out var holder) && killedAt.TryGetValue(holder.Worker, out var at) && at < e.Timestamp)
                inHandler.Remove(e.Key);
            if (e.Kind == "START")
            {
                if (inHandler.TryGetValue(e.Key, out var other))
                    violations.Add($"{e.Key}#{e.Seq} started on {e.Worker} while #{other.Seq} was in a handler on {other.Worker}");
                var expected = lastDone.GetValueOrDefault(e.Key) + 1;
                var unacknowledged = e.Seq == expected - 1 && lastDoneBy.TryGetValue(e.Key, out var lastBy) &&
                    killsEnded.TryGetValue(lastBy.Worker, out var killed) && killed > lastBy.At;
                if (e.Seq != expected && !unacknowledged)
                    violations.Add($"{e.Key}#{e.Seq} started when #{expected} was next");
                inHandler[e.Key] = (e.Worker, e.Seq);
            }
            else
            {
                inHandler.Remove(e.Key);
                lastDone[e.Key] = e.Seq;
                lastDoneBy[e.Key] = (e.Worker, e.Timestamp);
            }
        }
        output.WriteLine($"kills {kills.Count}, workers started {started}, events {all.Count}, {watch.Elapsed.TotalSeconds:0.0} s");
        // A worker holds up to eight jobs, so one kill can take several victims with it.
        Assert.InRange(kills.Count, 3, Keys * (PerKey / 4));
        // Every victim was finished by another worker, on a later delivery.
        Assert.All(all.Where(e => e.Kind == "DONE" && e.Seq % 4 == 0), e => Assert.True(e.Tries >= 2, $"{e.Key}#{e.Seq} was finished on delivery {e.Tries}."));
        Assert.True(violations.Count == 0, string.Join("; ", violations.Take(10)));
        Assert.All(Enumerable.Range(0, Keys), k => Assert.Equal(PerKey, lastDone[$"key-{k}"]));
        var stats = await transport.GetStatsAsync("crash/keyed");
        Assert.Equal((0, 0), (stats.Unfinished, stats.DeadLettered));
        foreach (var worker in workers.Values) await worker.DisposeAsync();
    }

    private static async Task ForwardAsync(string worker, ChildProcess process, ChannelWriter<KeyedEvent> events)
    {
        try
        {
            await foreach (var line in process.Lines.ReadAllAsync())
            {
                if (line.Split(' ') is [("START" or "DONE") and var kind, var key, var seq, var tries, var timestamp])
                {
                    await events.WriteAsync(new KeyedEvent(
                        worker, kind, key, int.Parse(seq, CultureInfo.InvariantCulture), int.Parse(tries, CultureInfo.InvariantCulture),
                        long.Parse(timestamp, CultureInfo.InvariantCulture)));
                }
            }
        }
        catch (ChannelClosedException)
        {
        }
    }

    private sealed record KeyedEvent(string Worker, string Kind, string Key, int Seq, int Tries, long Timestamp);
}

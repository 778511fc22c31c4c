using System.Collections.Concurrent;
using System.Diagnostics;
using Broker.Client;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Crash;

/// <summary>
/// The server process killed with SIGKILL 10 times while producers and workers run, and restarted on the same data
/// directory each time. Every produce, delivery and completion is recorded and checked Jepsen-style: <b>lost</b>
/// (acknowledged, never delivered) and <b>unexpected</b> (delivered, never produced) must be empty, and at the end the
/// server holds nothing unfinished, so every delivered message was completed: confirmed to its worker, or written
/// before a kill cut off the confirmation (<b>unconfirmed</b>). <b>recovered</b> counts produces that failed with an
/// unknown outcome yet were stored; <b>duplicated</b> counts messages whose completion the server confirmed twice
/// (none: a completion is confirmed only once it is on disk).
/// </summary>
public sealed class ServerKillTests(ITestOutputHelper output)
{
    private const int Kills = 10;
    private static readonly ChannelDefinition Orders = new("crash/orders", maxAttempts: 1000, retryDelay: TimeSpan.FromMilliseconds(50));

    [Fact]
    public async Task KillingTheServerUnderLoadLosesNoAcknowledgedMessage()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        var acknowledged = new ConcurrentDictionary<string, long>();
        var failed = new ConcurrentDictionary<string, string>();
        var completions = new ConcurrentDictionary<string, int>();
        var delivered = new ConcurrentDictionary<string, int>();
        using var stopProducing = new CancellationTokenSource();
        using var stopWorking = new CancellationTokenSource();
        await using var producerA = TestServer.CreateTransport(server.Address);
        await using var producerB = TestServer.CreateTransport(server.Address);
        await using var workerA = TestServer.CreateTransport(server.Address);
        await using var workerB = TestServer.CreateTransport(server.Address);

        var workers = new[]
        {
            WorkAsync(await workerA.SubscribeAsync(Orders, new SubscriptionSettings(8, TimeSpan.FromSeconds(30)), CancellationToken.None), delivered, completions, stopWorking.Token),
            WorkAsync(await workerB.SubscribeAsync(Orders, new SubscriptionSettings(8, TimeSpan.FromSeconds(30)), CancellationToken.None), delivered, completions, stopWorking.Token),
        };
        var producers = new[]
        {
            ProduceAsync(producerA, "a", acknowledged, failed, stopProducing.Token),
            ProduceAsync(producerB, "b", acknowledged, failed, stopProducing.Token),
        };

        var watch = Stopwatch.StartNew();
        var restarts = new List<double>();
        for (var kill = 0; kill < Kills; kill++)
        {
            var before = acknowledged.Count;
            await Waits.UntilAsync(() => acknowledged.Count >= before + 100, $"100 more acknowledged produces before kill {kill + 1}");
            await server.KillAsync();
            var restart = Stopwatch.StartNew();
            await server.StartAsync();
            restarts.Add(restart.Elapsed.TotalSeconds);
        }
        await stopProducing.CancelAsync();
        await Task.WhenAll(producers);

        // Settled: every acknowledged message delivered, and the server holding nothing unfinished.
        await using var probe = TestServer.CreateTransport(server.Address);
        Broker.Protocol.Messages.StatsReply stats = default;
        await Waits.UntilAsync(async () =>
        {
            stats = await probe.GetStatsAsync(Orders.Name);
            return stats.Unfinished == 0 && acknowledged.Keys.All(delivered.ContainsKey);
        }, $"every acknowledged message ({acknowledged.Count}) to be delivered and finished", TimeSpan.FromSeconds(60));
        await stopWorking.CancelAsync();
        await Task.WhenAll(workers);

        var lost = acknowledged.Keys.Where(k => !delivered.ContainsKey(k)).ToList();
        var unexpected = delivered.Keys.Where(k => !acknowledged.ContainsKey(k) && !failed.ContainsKey(k)).ToList();
        var recovered = failed.Keys.Count(delivered.ContainsKey);
        var unconfirmed = delivered.Keys.Count(k => !completions.ContainsKey(k));
        var duplicated = completions.Count(c => c.Value > 1);
        output.WriteLine($"{Kills} kills in {watch.Elapsed.TotalSeconds:0.0} s (restarts took {restarts.Min():0.0} to {restarts.Max():0.0} s): acknowledged {acknowledged.Count}, " +
            $"failed {failed.Count}, delivered {delivered.Count}, completed {completions.Count}, lost {lost.Count}, unexpected {unexpected.Count}, recovered {recovered}, " +
            $"unconfirmed {unconfirmed}, duplicated {duplicated}; server: {stats}");
        foreach (var (text, error) in failed.Take(2)) output.WriteLine($"failed produce {text}: {error}");
        Assert.Empty(lost);
        Assert.Empty(unexpected);
        Assert.Equal(0, duplicated);
        Assert.Equal((0, 0), (stats.Unfinished, stats.DeadLettered));
        Assert.All(failed.Values, error => Assert.Contains("unknown", error, StringComparison.OrdinalIgnoreCase));
    }

    private static async Task ProduceAsync(
        ServerQueueTransport transport, string producer, ConcurrentDictionary<string, long> acknowledged, ConcurrentDictionary<string, string> failed, CancellationToken stop)
    {
        // 32 produces in flight per producer, each one recorded by its outcome.
        var inFlight = new SemaphoreSlim(32);
        var pending = new List<Task>();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            try
            {
                await inFlight.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var text = $"{producer}-{i}";
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    var result = await transport.ProduceAsync(Payloads.Message(Orders, text), CancellationToken.None);
                    acknowledged[text] = result.MessageId;
                }
                catch (ServerConnectionException ex) when (ex.OutcomeUnknown)
                {
                    failed[text] = "outcome unknown: " + ex.Message;
                }
                catch (Exception ex)
                {
                    failed[text] = ex.GetType().Name + ": " + ex.Message;
                }
                finally
                {
                    inFlight.Release();
                }
            }, CancellationToken.None));
            if (pending.Count > 256) pending.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(pending);
    }

    private static async Task WorkAsync(ITransportSubscription subscription, ConcurrentDictionary<string, int> delivered, ConcurrentDictionary<string, int> completions, CancellationToken stop)
    {
        try
        {
            await foreach (var delivery in subscription.Deliveries.ReadAllAsync(stop))
            {
                delivered.AddOrUpdate(delivery.Text(), 1, (_, n) => n + 1);
                // Counted only when the server confirms the completion: that is what the contract promises to keep.
                if (await subscription.CompleteAsync(delivery, CancellationToken.None) == SettleOutcome.Completed)
                    completions.AddOrUpdate(delivery.Text(), 1, (_, n) => n + 1);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            await subscription.DisposeAsync();
        }
    }
}

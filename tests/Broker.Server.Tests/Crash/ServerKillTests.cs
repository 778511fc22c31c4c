using System.Collections.Concurrent;
using System.Diagnostics;
using Broker.Client;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Crash;

/// <summary>
/// The server process killed with SIGKILL 10 times while producers and workers run, and restarted on the same data
/// directory each time. Every produce and completion is recorded and checked Jepsen-style: <b>lost</b> (acknowledged,
/// never completed) and <b>unexpected</b> (completed, never produced) must be empty; <b>recovered</b> counts produces
/// that failed with an unknown outcome yet were stored and completed; <b>duplicated</b> counts messages whose
/// completion the server confirmed twice (none: a completion is confirmed only once it is on disk).
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
        using var stopProducing = new CancellationTokenSource();
        using var stopWorking = new CancellationTokenSource();
        await using var producerA = TestServer.CreateTransport(server.Address);
        await using var producerB = TestServer.CreateTransport(server.Address);
        await using var workerA = TestServer.CreateTransport(server.Address);
        await using var workerB = TestServer.CreateTransport(server.Address);

        var workers = new[]
        {
            WorkAsync(await workerA.SubscribeAsync(Orders, new SubscriptionSettings(8, TimeSpan.FromSeconds(30)), CancellationToken.None), completions, stopWorking.Token),
            WorkAsync(await workerB.SubscribeAsync(Orders, new SubscriptionSettings(8, TimeSpan.FromSeconds(30)), CancellationToken.None), completions, stopWorking.Token),
        };
        var producers = new[]
        {
            ProduceAsync(producerA, "a", acknowledged, failed, stopProducing.Token),
            ProduceAsync(producerB, "b", acknowledged, failed, stopProducing.Token),
        };

        var watch = Stopwatch.StartNew();
        for (var kill = 0; kill < Kills; kill++)
        {
            var before = acknowledged.Count;
            await Waits.UntilAsync(() => acknowledged.Count >= before + 100, $"100 more acknowledged produces before kill {kill + 1}");
            await server.KillAsync();
            await server.StartAsync();
        }
        await stopProducing.CancelAsync();
        await Task.WhenAll(producers);
        await Waits.UntilAsync(() => acknowledged.Keys.All(completions.ContainsKey), $"every acknowledged message ({acknowledged.Count}) to be completed", TimeSpan.FromSeconds(90));
        await stopWorking.CancelAsync();
        await Task.WhenAll(workers);

        var lost = acknowledged.Keys.Where(k => !completions.ContainsKey(k)).ToList();
        var unexpected = completions.Keys.Where(k => !acknowledged.ContainsKey(k) && !failed.ContainsKey(k)).ToList();
        var recovered = failed.Keys.Count(completions.ContainsKey);
        var duplicated = completions.Count(c => c.Value > 1);
        output.WriteLine($"{Kills} kills in {watch.Elapsed.TotalSeconds:0.0} s: acknowledged {acknowledged.Count}, failed {failed.Count}, completed {completions.Count}, " +
            $"lost {lost.Count}, unexpected {unexpected.Count}, recovered {recovered}, duplicated {duplicated}");
        foreach (var (text, error) in failed.Take(3)) output.WriteLine($"failed produce {text}: {error}");
        Assert.Empty(lost);
        Assert.Empty(unexpected);
        Assert.Equal(0, duplicated);
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

    private static async Task WorkAsync(ITransportSubscription subscription, ConcurrentDictionary<string, int> completions, CancellationToken stop)
    {
        try
        {
            await foreach (var delivery in subscription.Deliveries.ReadAllAsync(stop))
            {
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

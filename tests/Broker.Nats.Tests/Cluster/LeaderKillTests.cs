using System.Collections.Concurrent;
using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Xunit.Abstractions;

namespace Broker.Nats.Tests.Cluster;

/// <summary>
/// A three-node cluster with replicas 3: SIGKILL the stream leader while producers and consumers run. Every produce
/// and completion is recorded and checked Jepsen-style: <b>lost</b> (acknowledged, never completed) must be empty, the
/// stream must end empty (every stored message completed),
/// <b>unexpected</b> (completed, never produced) must be empty; <b>duplicated</b> completions are allowed (a worker's ack
/// can be lost with the leader) and reported; <b>recovered</b> counts produce calls that failed yet whose message was
/// completed.
/// </summary>
public sealed class LeaderKillTests(NatsClusterFixture cluster, ITestOutputHelper output) : IClassFixture<NatsClusterFixture>
{
    private const int Producers = 2;
    private const int PerProducer = 150;

    [NatsFact]
    public async Task KillingTheStreamLeaderLosesNoAcknowledgedMessage()
    {
        var prefix = NatsFixture.UniquePrefix();
        NatsTransportOptions Options() => new()
        {
            Url = cluster.Urls,
            Prefix = prefix,
            Replicas = 3,
            AckWait = TimeSpan.FromSeconds(3),
            PollInterval = TimeSpan.FromMilliseconds(200),
            ProduceRetryTimeout = TimeSpan.FromSeconds(45),
        };
        // Lost leases during the election must never dead-letter a message here.
        var channel = new ChannelDefinition("orders/placed", maxAttempts: 1000, retryDelay: TimeSpan.FromMilliseconds(100));
        await using var producerTransport = new NatsQueueTransport(Options());
        await using var workerA = new NatsQueueTransport(Options());
        await using var workerB = new NatsQueueTransport(Options());

        var acknowledged = new ConcurrentDictionary<string, byte>();
        var failed = new ConcurrentDictionary<string, string>();
        var completions = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var workers = new[]
        {
            RunWorkerAsync(await workerA.SubscribeAsync(channel, new SubscriptionSettings(4, TimeSpan.FromSeconds(10)), CancellationToken.None), completions, stop.Token),
            RunWorkerAsync(await workerB.SubscribeAsync(channel, new SubscriptionSettings(4, TimeSpan.FromSeconds(10)), CancellationToken.None), completions, stop.Token),
        };

        var aThird = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                var text = $"p{p}-{i}";
                try
                {
                    await producerTransport.ProduceAsync(Payloads.Message(channel, text), CancellationToken.None);
                    acknowledged.TryAdd(text, 0);
                    if (acknowledged.Count >= Producers * PerProducer / 3) aThird.TrySetResult();
                }
                catch (Exception ex)
                {
                    // Unknown outcome: the message may or may not be stored.
                    failed.TryAdd(text, ex.GetType().Name + ": " + ex.Message);
                }
            }
        })).ToArray();

        await aThird.Task.WaitAsync(Waits.Generous);
        var leader = await StreamLeaderAsync(prefix + "_Q_orders~placed");
        output.WriteLine($"Killing stream leader {leader} after {acknowledged.Count} acknowledged produces.");
        await cluster.Node(leader).KillAsync();

        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(120));
        await Waits.UntilAsync(() => Task.FromResult(acknowledged.Keys.All(completions.ContainsKey)),
            $"every acknowledged message to be completed ({acknowledged.Count} acknowledged)", TimeSpan.FromSeconds(90));
        // Every message stored is completed too, including those of produces that failed yet were stored: the
        // work-queue stream removes a message when its ack is confirmed, so it ends empty.
        await Waits.UntilAsync(async () => await StreamMessagesAsync(prefix + "_Q_orders~placed") == 0,
            "the stream to hold no message (every stored message completed)", TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var lost = acknowledged.Keys.Where(k => !completions.ContainsKey(k)).ToList();
        var unexpected = completions.Keys.Where(k => !acknowledged.ContainsKey(k) && !failed.ContainsKey(k)).ToList();
        var recovered = failed.Keys.Count(completions.ContainsKey);
        var duplicated = completions.Count(c => c.Value > 1);
        output.WriteLine($"acknowledged {acknowledged.Count}, failed {failed.Count}, completed {completions.Count}, lost {lost.Count}, unexpected {unexpected.Count}, recovered {recovered}, duplicated {duplicated}");
        foreach (var (text, error) in failed.Take(5)) output.WriteLine($"failed produce {text}: {error}");

        Assert.Empty(lost);
        Assert.Empty(unexpected);
        // The producers retry through the election, so nearly every produce is acknowledged.
        Assert.True(acknowledged.Count >= Producers * PerProducer * 9 / 10, $"Only {acknowledged.Count} of {Producers * PerProducer} produces were acknowledged.");

        await cluster.Node(leader).StartAsync();
    }

    private static async Task RunWorkerAsync(ITransportSubscription subscription, ConcurrentDictionary<string, int> completions, CancellationToken stop)
    {
        await using (subscription)
        {
            try
            {
                await foreach (var delivery in subscription.Deliveries.ReadAllAsync(stop))
                {
                    try
                    {
                        // Recorded only when the broker confirmed the ack: that is the completion the contract counts.
                        if (await subscription.CompleteAsync(delivery, CancellationToken.None) == SettleOutcome.Completed)
                            completions.AddOrUpdate(delivery.Text(), 1, (_, n) => n + 1);
                    }
                    catch (Exception ex) when (ex is NatsException or TimeoutException)
                    {
                        // The ack was lost with the leader: the message is redelivered after the ack wait.
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    // -1 while the cluster cannot answer (an election still settling), so the caller polls again.
    private async Task<long> StreamMessagesAsync(string stream)
    {
        try
        {
            await using var connection = new NatsConnection(new NatsOpts { Url = cluster.Urls });
            var js = new NatsJSContext(connection);
            return (await js.GetStreamAsync(stream)).Info.State.Messages;
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException)
        {
            return -1;
        }
    }

    private async Task<string> StreamLeaderAsync(string stream)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = cluster.Urls });
        var js = new NatsJSContext(connection);
        var info = await js.GetStreamAsync(stream);
        return info.Info.Cluster?.Leader ?? throw new InvalidOperationException($"Stream {stream} reports no leader.");
    }
}

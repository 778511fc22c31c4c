using Broker.Nats.Naming;
using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Xunit.Abstractions;

namespace Broker.Nats.Tests.Transport;

/// <summary>
/// Credit: a subscription whose handlers are nearly all busy still takes the next message into its last free slot,
/// never more than its credit, and a backlog arrives whole and once; the server never counts more than MaxParallel
/// messages pending for one worker.
/// </summary>
public sealed class PullCreditTests(NatsFixture fixture, ITestOutputHelper output) : IClassFixture<NatsFixture>
{
    [NatsFact]
    public async Task TheLastFreeSlotStillTakesAMessageWhileTheOthersAreHeld()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("jobs/last-slot");
        await using var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(8, TimeSpan.FromMinutes(1)), CancellationToken.None);
        var held = new List<Delivery>();
        for (var i = 0; i < 7; i++)
        {
            await transport.ProduceAsync(Payloads.Message(channel, $"slow {i}"), CancellationToken.None);
            held.Add(await subscription.NextAsync());
        }

        // One credit free: it is pulled for.
        await transport.ProduceAsync(Payloads.Message(channel, "last"), CancellationToken.None);
        var last = await subscription.NextAsync();
        Assert.Equal("last", last.Text());

        // Full now: nothing more comes until a slot frees.
        await transport.ProduceAsync(Payloads.Message(channel, "waits"), CancellationToken.None);
        var next = subscription.Deliveries.ReadAsync().AsTask();
        Assert.NotSame(next, await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(500))));
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(held[0], CancellationToken.None));
        Assert.Equal("waits", (await next.WaitAsync(Waits.Generous)).Text());
    }

    [NatsFact]
    public async Task ABacklogIsTakenInBatchesUpToTheCreditAndAllOfItIsDelivered()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("jobs/backlog");
        const int Count = 500;
        for (var i = 0; i < Count; i++)
            await transport.ProduceAsync(Payloads.Message(channel, $"m{i}"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(16, TimeSpan.FromMinutes(1)), CancellationToken.None);
        var seen = new HashSet<string>();
        for (var i = 0; i < Count; i++)
        {
            var delivery = await subscription.NextAsync();
            Assert.True(seen.Add(delivery.Text()), $"{delivery.Text()} was delivered twice.");
            Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, CancellationToken.None));
        }
        Assert.Equal(Count, seen.Count);
    }

    [NatsFact]
    public async Task TheServerNeverCountsMoreThanMaxParallelMessagesPendingForAWorkerWhoseHandlersCompleteAtOnce()
    {
        const int Count = 600, MaxParallel = 2;
        var options = fixture.Options();
        await using var transport = new NatsQueueTransport(options);
        var channel = new ChannelDefinition("jobs/acks-ahead");
        for (var i = 0; i < Count; i++)
            await transport.ProduceAsync(Payloads.Message(channel, $"m{i}"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(MaxParallel, TimeSpan.FromMinutes(1)), CancellationToken.None);
        await using var connection = new NatsConnection(new NatsOpts { Url = options.Url });
        var js = new NatsJSContext(connection);
        INatsJSConsumer? consumer = null;
        // The level's consumer is created by the subscription's first pull.
        await Waits.UntilAsync(async () =>
        {
            try
            {
                consumer = await js.GetConsumerAsync(new ChannelNames(options.Prefix, channel.Name).WorkStream, ChannelNames.LevelConsumer(0));
                return true;
            }
            catch (NatsJSApiException ex) when (ex.Error.Code == 404)
            {
                return false;
            }
        }, "the subscription to create the level's consumer");

        // The server's count of messages delivered and not yet acked, sampled as fast as it answers while two handlers
        // complete at once: a slot's credit comes back only once its ack is confirmed, so the next pull never overlaps it.
        using var done = new CancellationTokenSource();
        var samples = 0;
        var mostPending = 0L;
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await consumer!.RefreshAsync();
                mostPending = Math.Max(mostPending, consumer.Info.NumAckPending);
                samples++;
            }
        });
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var remaining = Count;
        await Task.WhenAll(Enumerable.Range(0, MaxParallel).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var delivery = await subscription.NextAsync();
                seen.AddOrUpdate(delivery.Text(), 1, (_, n) => n + 1);
                Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, CancellationToken.None));
            }
        })));
        await done.CancelAsync();
        await sampler.WaitAsync(Waits.Generous);

        output.WriteLine($"most pending on the server: {mostPending} in {samples} samples");
        Assert.Equal(Count, seen.Count);
        Assert.All(seen, pair => Assert.Equal(1, pair.Value));
        Assert.InRange(mostPending, 1, MaxParallel);
    }
}

using System.Collections.Concurrent;
using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.Tests.Ordering;

/// <summary>Per-key ordering (docs/ordering.md) on a real nats-server: partitions with one message out at a time.</summary>
public sealed class OrderingTests(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    private static readonly ChannelDefinition Ordered = new("orders/placed", maxAttempts: 3, retryDelay: TimeSpan.FromMilliseconds(100), ordered: true);
    private static readonly SubscriptionSettings Four = new(4, TimeSpan.FromSeconds(30));

    [NatsFact]
    public async Task OneKeyIsHandledInProductionOrderAndOneAtATimeAcrossWorkersWhileKeysRunInParallel()
    {
        const int keys = 12, perKey = 15;
        // Two "processes" (transports with their own connections) with two subscriptions each.
        var options = fixture.Options();
        await using var first = new NatsQueueTransport(options);
        await using var second = new NatsQueueTransport(fixture.Options(o => o.Prefix = options.Prefix));
        var handled = new ConcurrentDictionary<string, List<int>>();
        var inHandler = new ConcurrentDictionary<string, int[]>();
        var violations = new ConcurrentQueue<string>();
        var running = new int[1];
        var mostRunning = 0;
        var done = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriptions = new List<ITransportSubscription>();
        using var stop = new CancellationTokenSource();
        var workers = new List<Task>();
        foreach (var transport in new[] { first, second, first, second })
        {
            var subscription = await transport.SubscribeAsync(Ordered, Four, CancellationToken.None);
            subscriptions.Add(subscription);
            workers.Add(Task.Run(async () =>
            {
                await foreach (var delivery in subscription.Deliveries.ReadAllAsync(stop.Token))
                {
                    _ = Task.Run(async () =>
                    {
                        var (key, index) = Parse(delivery.Text());
                        var counter = inHandler.GetOrAdd(key, _ => new int[1]);
                        if (Interlocked.Increment(ref counter[0]) != 1) violations.Enqueue($"two of key {key} in handlers at once");
                        var now = Interlocked.Increment(ref running[0]);
                        InterlockedMax(ref mostRunning, now);
                        await Task.Delay(Random.Shared.Next(0, 15));
                        var list = handled.GetOrAdd(key, _ => []);
                        lock (list) list.Add(index);
                        Interlocked.Decrement(ref running[0]);
                        Interlocked.Decrement(ref counter[0]);
                        var outcome = await subscription.CompleteAsync(delivery, CancellationToken.None);
                        if (outcome != SettleOutcome.Completed) violations.Enqueue($"{key}:{index} settled {outcome}");
                        if (Interlocked.Increment(ref done) == keys * perKey) all.TrySetResult();
                    });
                }
            }));
        }

        // Interleaved: key k's i-th message is produced after every key's (i-1)-th.
        for (var i = 0; i < perKey; i++)
            for (var k = 0; k < keys; k++)
                await first.ProduceAsync(Ordered, $"customer-{k}:{i}", $"customer-{k}");
        await all.Task.WaitAsync(TimeSpan.FromSeconds(90));

        await stop.CancelAsync();
        foreach (var subscription in subscriptions) await subscription.DisposeAsync();
        Assert.Empty(violations);
        Assert.Equal(keys, handled.Count);
        foreach (var (key, list) in handled)
            Assert.True(list.SequenceEqual(Enumerable.Range(0, perKey)), $"{key} was handled in the order {string.Join(",", list)}");
        Assert.True(mostRunning > 1, "Different keys never ran in parallel.");
    }

    [NatsFact]
    public async Task AFailedHeadKeepsItsKeyThroughItsRetriesAndTheNextWaits()
    {
        await using var transport = fixture.CreateTransport();
        await using var subscription = await transport.SubscribeAsync(Ordered, Four, CancellationToken.None);
        for (var i = 0; i < 3; i++)
            await transport.ProduceAsync(Ordered, $"a:{i}", "a");

        var seen = new List<(string Text, int Tries)>();
        while (seen.Count < 5)
        {
            var delivery = await subscription.NextAsync();
            seen.Add((delivery.Text(), delivery.Tries));
            if (delivery.Text() == "a:0" && delivery.Tries < 3)
                Assert.Equal(SettleOutcome.Retrying, await subscription.FailAsync(delivery, FailureKind.Transient, "not yet", CancellationToken.None));
            else
                Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, CancellationToken.None));
        }

        Assert.Equal([("a:0", 1), ("a:0", 2), ("a:0", 3), ("a:1", 1), ("a:2", 1)], seen);
    }

    [NatsFact]
    public async Task ADeadLetteredHeadLetsTheNextGoAndARedriveJoinsTheBackOfTheLine()
    {
        await using var transport = fixture.CreateTransport();
        await using var subscription = await transport.SubscribeAsync(Ordered, Four, CancellationToken.None);
        var poison = await transport.ProduceAsync(Ordered, "a:0", "a");
        await transport.ProduceAsync(Ordered, "a:1", "a");
        await transport.ProduceAsync(Ordered, "a:2", "a");

        var head = await subscription.NextAsync();
        Assert.Equal(SettleOutcome.DeadLettered, await subscription.FailAsync(head, FailureKind.Permanent, "cannot decode", CancellationToken.None));
        var next = await subscription.NextAsync();
        Assert.Equal("a:1", next.Text());

        // Re-driven while a:1 is out and a:2 waits: on NATS it rejoins at the back of its key's partition.
        Assert.True(await transport.RedriveDeadLetterAsync(Ordered, poison.MessageId, CancellationToken.None));
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(next, CancellationToken.None));
        var third = await subscription.NextAsync();
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(third, CancellationToken.None));
        var redriven = await subscription.NextAsync();

        Assert.Equal("a:2", third.Text());
        Assert.Equal(("a:0", poison.MessageId, 1), (redriven.Text(), redriven.Id, redriven.Tries));
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(redriven, CancellationToken.None));
    }

    [NatsFact]
    public async Task AHeadTakenByAWorkerThatDiedIsRedeliveredFirstAfterTheAckWait()
    {
        var options = fixture.Options(o => o.AckWait = TimeSpan.FromSeconds(1));
        await using var transport = new NatsQueueTransport(options);
        await transport.ProduceAsync(Ordered, "a:0", "a");
        await transport.ProduceAsync(Ordered, "a:1", "a");
        // A worker of another process takes the head from the partition's consumer and dies without a word: only the
        // server's ack wait can free it.
        var partition = Naming.KeyPartitions.Of("a", options.OrderedPartitions);
        await using (var dead = new NatsConnection(NatsOpts.Default with { Url = fixture.Url }))
        {
            var names = new Naming.ChannelNames(options.Prefix, Ordered.Name);
            var js = new NatsJSContext(dead);
            var consumer = await js.CreateOrUpdateConsumerAsync(names.WorkStream, new ConsumerConfig(Naming.ChannelNames.PartitionConsumer(partition))
            {
                DurableName = Naming.ChannelNames.PartitionConsumer(partition),
                FilterSubject = names.KeyedSubject(partition),
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                AckWait = options.AckWait,
                MaxAckPending = 1,
                MaxDeliver = -1,
            });
            var taken = await consumer.NextAsync<byte[]>();
            Assert.Equal("a:0", System.Text.Encoding.UTF8.GetString(taken!.Data!));
        }
        await using var subscription = await transport.SubscribeAsync(Ordered, Four, CancellationToken.None);

        var redelivered = await subscription.NextAsync();
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(redelivered, CancellationToken.None));
        var next = await subscription.NextAsync();

        Assert.Equal(("a:0", 2), (redelivered.Text(), redelivered.Tries));
        Assert.Equal("a:1", next.Text());
    }

    [NatsFact]
    public async Task AHeadOfAClosedSubscriptionIsRedeliveredFirst()
    {
        await using var transport = fixture.CreateTransport(o => o.AckWait = TimeSpan.FromMinutes(10));
        await transport.ProduceAsync(Ordered, "a:0", "a");
        await transport.ProduceAsync(Ordered, "a:1", "a");
        var crashed = await transport.SubscribeAsync(Ordered, Four, CancellationToken.None);
        Assert.Equal("a:0", (await crashed.NextAsync()).Text());

        await crashed.DisposeAsync();
        await using var healthy = await transport.SubscribeAsync(Ordered, Four, CancellationToken.None);
        var redelivered = await healthy.NextAsync();
        Assert.Equal(SettleOutcome.Completed, await healthy.CompleteAsync(redelivered, CancellationToken.None));

        Assert.Equal(("a:0", 2), (redelivered.Text(), redelivered.Tries));
        Assert.Equal("a:1", (await healthy.NextAsync()).Text());
    }

    [NatsFact]
    public async Task AReleasedOrRetriedHeadKeepsItsPlaceAndOnlyTheRetryCountsAsATry()
    {
        await using var transport = fixture.CreateTransport();
        await using var subscription = await transport.SubscribeAsync(Ordered, Four, CancellationToken.None);
        var produced = await transport.ProduceAsync(Ordered, "a:0", "a");
        await transport.ProduceAsync(Ordered, "a:1", "a");

        var first = await subscription.NextAsync();
        Assert.Equal(SettleOutcome.Released, await subscription.ReleaseAsync(first, CancellationToken.None));
        var released = await subscription.NextAsync();
        Assert.Equal(SettleOutcome.Retrying, await subscription.RetryAsync(released, TimeSpan.FromMilliseconds(100), CancellationToken.None));
        var retried = await subscription.NextAsync();
        // Three attempts on the channel; two requested retries spend none of them, so one failure still leaves a retry.
        Assert.Equal(SettleOutcome.Retrying, await subscription.RetryAsync(retried, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        var again = await subscription.NextAsync();
        Assert.Equal(SettleOutcome.Retrying, await subscription.FailAsync(again, FailureKind.Transient, "once", CancellationToken.None));
        var last = await subscription.NextAsync();
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(last, CancellationToken.None));

        Assert.All(new[] { first, released, retried, again, last }, d => Assert.Equal(produced.MessageId, d.Id));
        Assert.Equal([1, 1, 2, 3, 4], new[] { first, released, retried, again, last }.Select(d => d.Tries));
        Assert.Equal("a:1", (await subscription.NextAsync()).Text());
    }

    [NatsFact]
    public async Task ADelayedKeyedMessageHoldsItsLineUntilDueWhileOtherKeysGo()
    {
        var options = fixture.Options();
        await using var transport = new NatsQueueTransport(options);
        var delay = TimeSpan.FromSeconds(2);
        var producedAt = DateTimeOffset.UtcNow;
        await transport.ProduceAsync(Ordered, "a:0", "a", delay);
        await transport.ProduceAsync(Ordered, "a:1", "a");
        var other = KeyedMessages.KeyBesides("a", options.OrderedPartitions);
        await transport.ProduceAsync(Ordered, "b:0", other);
        await using var subscription = await transport.SubscribeAsync(Ordered, Four, CancellationToken.None);

        var firstOut = await subscription.NextAsync();
        Assert.Equal("b:0", firstOut.Text());
        var delayed = await subscription.NextAsync();
        var dueAfter = DateTimeOffset.UtcNow - producedAt;
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delayed, CancellationToken.None));
        var behind = await subscription.NextAsync();

        Assert.Equal(("a:0", 1), (delayed.Text(), delayed.Tries));
        Assert.True(dueAfter >= delay - TimeSpan.FromMilliseconds(100), $"delivered after {dueAfter.TotalMilliseconds:0} ms");
        Assert.Equal("a:1", behind.Text());
    }

    [NatsFact]
    public async Task PriorityDoesNotReorderAKey()
    {
        await using var transport = fixture.CreateTransport();
        await transport.ProduceAsync(Ordered, "a:0", "a", priority: 0);
        await transport.ProduceAsync(Ordered, "a:1", "a", priority: 10);
        await using var subscription = await transport.SubscribeAsync(Ordered, Four, CancellationToken.None);

        var head = await subscription.NextAsync();
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(head, CancellationToken.None));
        var next = await subscription.NextAsync();

        Assert.Equal(("a:0", 0), (head.Text(), head.Priority));
        Assert.Equal(("a:1", 10), (next.Text(), next.Priority));
    }

    [NatsFact]
    public async Task UnkeyedMessagesOfAnOrderedChannelRunInParallelBesideAKey()
    {
        await using var transport = fixture.CreateTransport();
        await transport.ProduceAsync(Ordered, "a:0", "a");
        await transport.ProduceAsync(Ordered, "a:1", "a");
        for (var i = 0; i < 3; i++)
            await transport.ProduceAsync(Ordered, $"free:{i}", null);
        await using var subscription = await transport.SubscribeAsync(Ordered, Four, CancellationToken.None);

        // Four held at once: the key's head and all three unkeyed; a:1 waits for its head.
        var held = new List<Delivery>();
        for (var i = 0; i < 4; i++) held.Add(await subscription.NextAsync());

        Assert.Equal(["a:0", "free:0", "free:1", "free:2"], held.Select(d => d.Text()).Order());
        foreach (var delivery in held)
            Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, CancellationToken.None));
        Assert.Equal("a:1", (await subscription.NextAsync()).Text());
    }

    [NatsFact]
    public async Task AKeyOnAChannelThatIsNotOrderedIsRefused()
    {
        await using var transport = fixture.CreateTransport();
        var unordered = new ChannelDefinition("orders/unordered");

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await transport.ProduceAsync(unordered, "x", "a"));

        Assert.Contains("'orders/unordered' is not ordered", error.Message, StringComparison.Ordinal);
    }

    [NatsFact]
    public async Task AProcessWithAnotherPartitionCountIsRefused()
    {
        var options = fixture.Options(o => o.OrderedPartitions = 16);
        await using var first = new NatsQueueTransport(options);
        await first.OpenChannelAsync(Ordered, CancellationToken.None);
        await using var second = new NatsQueueTransport(fixture.Options(o => (o.Prefix, o.OrderedPartitions) = (options.Prefix, 8)));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await second.OpenChannelAsync(Ordered, CancellationToken.None));

        Assert.Contains("ordered with 16 partitions", error.Message, StringComparison.Ordinal);
        Assert.Contains("OrderedPartitions = 8", error.Message, StringComparison.Ordinal);
    }

    private static (string Key, int Index) Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        return (text[..colon], int.Parse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

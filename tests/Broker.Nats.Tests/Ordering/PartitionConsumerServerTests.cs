using System.Diagnostics;
using System.Text;
using Broker.Nats.Tests.Infrastructure;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.Tests.Ordering;

/// <summary>
/// The JetStream behaviour that per-key ordering rests on, shown on the installed nats-server (2.9.10 here) with
/// NATS.Net alone, no adapter: a pull consumer with <c>MaxAckPending = 1</c> hands out one message at a time across
/// every puller, and a NAK (with or without delay) or an expired ack wait gives the same message back before the next.
/// One surprise they pin down: while the one message is out, a pull is not answered at once (not even a "no wait" one,
/// which NATS.Net sends without expiry, so the adapter uses waiting pulls with an expiry) but waits until it expires or
/// the message comes back; this is why the adapter pulls partitions concurrently with a short expiry (1 s). If a server
/// version changes any of this, these tests say so first.
/// </summary>
public sealed class PartitionConsumerServerTests(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    [NatsFact]
    public async Task OnlyOneMessageIsOutAtATimeAcrossPullersAndANakedHeadComesBackFirst()
    {
        var (js, subject, consumerA, consumerB, dispose) = await OpenAsync(TimeSpan.FromSeconds(30));
        await using var cleanup = dispose;
        for (var i = 1; i <= 3; i++)
            await js.PublishAsync(subject, Encoding.UTF8.GetBytes("m" + i));

        var first = Assert.Single(await FetchAsync(consumerA));
        // While the head is out, a pull is not answered at once: it waits, here until it expires.
        Assert.Empty(await FetchAsync(consumerB));
        Assert.Empty(await FetchAsync(consumerA));

        var nakedAt = Stopwatch.StartNew();
        await first.NakAsync(new AckOpts { DoubleAck = true, NakDelay = TimeSpan.FromMilliseconds(400) });
        // A NAK with delay keeps the message pending through the delay; then the same message, not m2, comes back.
        var again = await UntilOneAsync(consumerB);
        Assert.True(nakedAt.Elapsed >= TimeSpan.FromMilliseconds(350), $"redelivered after {nakedAt.ElapsedMilliseconds} ms");
        Assert.Equal("m1", Text(again));
        Assert.Equal(2UL, again.Metadata!.Value.NumDelivered);

        await again.NakAsync(new AckOpts { DoubleAck = true });
        var third = await UntilOneAsync(consumerA);
        Assert.Equal("m1", Text(third));
        Assert.Equal(3UL, third.Metadata!.Value.NumDelivered);
        await third.AckAsync(new AckOpts { DoubleAck = true });

        var next = await UntilOneAsync(consumerB);
        Assert.Equal("m2", Text(next));
        Assert.Equal(1UL, next.Metadata!.Value.NumDelivered);
    }

    [NatsFact]
    public async Task AnExpiredAckWaitRedeliversTheHeadBeforeTheNext()
    {
        var (js, subject, consumerA, consumerB, dispose) = await OpenAsync(TimeSpan.FromSeconds(1));
        await using var cleanup = dispose;
        await js.PublishAsync(subject, Encoding.UTF8.GetBytes("m1"));
        await js.PublishAsync(subject, Encoding.UTF8.GetBytes("m2"));

        Assert.Equal("m1", Text(Assert.Single(await FetchAsync(consumerA))));   // then "crashes": never settles
        var redelivered = await UntilOneAsync(consumerB);

        Assert.Equal("m1", Text(redelivered));
        // Usually 2. When the redelivery meets the waiting pull at the very instant it expires, nats-server before 2.10.14
        // drops it unsent: it then comes back only after another ack wait, as delivery 3 (ExpiryEdgeTests aims at that
        // edge; docs/nats.md, "Ordering by key"). Nobody NAKed it, so no guard protects it. Its order holds either way.
        Assert.InRange(redelivered.Metadata!.Value.NumDelivered, 2UL, 3UL);
    }

    [NatsFact]
    public async Task ANoWaitPullGivenUpByTheClientSwallowsTheHeadWhenItComesBackAWaitingPullDoesNot()
    {
        // NATS.Net sends a no-wait pull without expiry: the client stops listening after its heartbeat timeout, the
        // server keeps the request, and can hand it the head once the head is NAKed. Not every time (the server may
        // first notice that nobody listens any more), so a few tries, each on a fresh stream, until it happens.
        var swallowed = false;
        for (var attempt = 0; attempt < 8 && !swallowed; attempt++)
        {
            var (js, subject, consumerA, consumerB, dispose) = await OpenAsync(TimeSpan.FromSeconds(30));
            await using var cleanup = dispose;
            await js.PublishAsync(subject, Encoding.UTF8.GetBytes("m1"));
            await js.PublishAsync(subject, Encoding.UTF8.GetBytes("m2"));
            var head = Assert.Single(await FetchAsync(consumerA));
            Assert.Empty(await FetchNoWaitAsync(consumerB));
            await head.NakAsync(new AckOpts { DoubleAck = true });
            swallowed = (await FetchAsync(consumerB)).Count == 0;       // swallowed: out for a whole ack wait
        }
        Assert.True(swallowed, "A no-wait pull the client gave up never swallowed the head in 8 tries.");

        // A waiting pull with an expiry ends on the server: the head NAKed after it comes to the next pull.
        var (js2, subject2, consumerC, consumerD, dispose2) = await OpenAsync(TimeSpan.FromSeconds(30));
        await using var cleanup2 = dispose2;
        await js2.PublishAsync(subject2, Encoding.UTF8.GetBytes("m1"));
        var head2 = Assert.Single(await FetchAsync(consumerC));
        Assert.Empty(await FetchAsync(consumerD));
        // NATS.Net's fetch may stop listening a moment before the server ends the request; NAKed in that moment, the head
        // would go to the request the client left (the case above). So the NAK waits until the server holds no request.
        await Waits.UntilAsync(async () =>
        {
            await consumerD.RefreshAsync();
            return consumerD.Info.NumWaiting == 0;
        }, "the server to end the expired pull");
        await head2.NakAsync(new AckOpts { DoubleAck = true });
        Assert.Equal("m1", Text(Assert.Single(await FetchAsync(consumerD))));
    }

    private static async Task<List<INatsJSMsg<byte[]>>> FetchNoWaitAsync(INatsJSConsumer consumer)
    {
        var got = new List<INatsJSMsg<byte[]>>();
        await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 1, Expires = TimeSpan.FromSeconds(1) }))
            got.Add(message);
        return got;
    }

    private static string Text(INatsJSMsg<byte[]> message) => Encoding.UTF8.GetString(message.Data!);

    private static async Task<List<INatsJSMsg<byte[]>>> FetchAsync(INatsJSConsumer consumer)
    {
        var got = new List<INatsJSMsg<byte[]>>();
        var opts = new NatsJSFetchOpts { MaxMsgs = 1, Expires = TimeSpan.FromSeconds(1), IdleHeartbeat = TimeSpan.FromMilliseconds(500) };
        await foreach (var message in consumer.FetchAsync<byte[]>(opts))
            got.Add(message);
        return got;
    }

    private static async Task<INatsJSMsg<byte[]>> UntilOneAsync(INatsJSConsumer consumer)
    {
        INatsJSMsg<byte[]>? got = null;
        await Waits.UntilAsync(async () => (got = (await FetchAsync(consumer)).SingleOrDefault()) is not null, "a message from the partition consumer");
        return got!;
    }

    private async Task<(INatsJSContext Js, string Subject, INatsJSConsumer A, INatsJSConsumer B, IAsyncDisposable Dispose)> OpenAsync(TimeSpan ackWait)
    {
        var connectionA = new NatsConnection(NatsOpts.Default with { Url = fixture.Url });
        var connectionB = new NatsConnection(NatsOpts.Default with { Url = fixture.Url });
        var js = new NatsJSContext(connectionA);
        var stream = "PROBE" + Guid.NewGuid().ToString("N");
        var subject = stream.ToLowerInvariant() + ".k.0";
        await js.CreateStreamAsync(new StreamConfig(stream, [stream.ToLowerInvariant() + ".k.*"]) { Retention = StreamConfigRetention.Workqueue });
        var config = new ConsumerConfig("k0")
        {
            DurableName = "k0",
            FilterSubject = subject,
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = ackWait,
            MaxAckPending = 1,
        };
        var consumerA = await js.CreateOrUpdateConsumerAsync(stream, config);
        // A second connection, as a second process would have.
        var consumerB = await new NatsJSContext(connectionB).GetConsumerAsync(stream, "k0");
        return (js, subject, consumerA, consumerB, new Both(connectionA, connectionB, js, stream));
    }

    private sealed class Both(NatsConnection a, NatsConnection b, INatsJSContext js, string stream) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await js.DeleteStreamAsync(stream);
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }
}

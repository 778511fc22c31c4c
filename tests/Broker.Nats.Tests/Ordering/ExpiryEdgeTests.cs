using System.Diagnostics;
using System.Text;
using Broker.Nats.Consuming;
using Broker.Nats.Naming;
using Broker.Nats.Tests.Infrastructure;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.Tests.Ordering;

/// <summary>
/// The race at a pull's expiry, aimed at again and again: a partition's message is NAKed by its holder at the instant
/// the other worker's waiting pull expires (swept over a few milliseconds around the expiry). nats-server before
/// 2.10.14 (Debian's 2.9.10 here) then picks the message for the expired request, finds it expired and drops the
/// message without sending it anywhere; it stays out until its ack wait ends. The adapter's fix is a guard: the holder
/// queues a live pull request of its own before it NAKs (<c>NatsSubscription.GuardAsync</c>), so the server never
/// meets only expired requests. Pulls go through <see cref="PartitionRequests"/>, the adapter's own pull requests.
/// </summary>
public sealed class ExpiryEdgeTests(NatsFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<NatsFixture>
{
    private const int Partition = 0;
    private static readonly TimeSpan PullExpiry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Guard = TimeSpan.FromMilliseconds(120);
    // A lost message comes back after the ack wait: short here, so a lost one only costs the test a second.
    private static readonly TimeSpan AckWait = TimeSpan.FromSeconds(1);
    // A message waiting on the server comes at once; a lost one only after its ack wait, from its last delivery.
    private static readonly TimeSpan Lost = TimeSpan.FromMilliseconds(250);
    private const int MaxTries = 60;

    [NatsFact]
    public async Task AGuardedNakIsNeverLostAtAPullsExpiry()
    {
        var (lost, hits) = await RunEdgeAsync(guarded: true, stopAfterHits: 3);
        Assert.Equal(0, lost);
        // A pull the server removed without a word (no 408) is the edge itself: the message went to the guard instead.
        Assert.True(hits > 0, "The edge was never hit: the test proves nothing on this machine.");
    }

    /// <summary>
    /// Two workers pass one message back and forth through the expiry edge, up to <see cref="MaxTries"/> times or until
    /// the edge was hit <paramref name="stopAfterHits"/> times; returns how many times the message was lost and how
    /// many times the edge was hit (lost, or saved by the guard).
    /// </summary>
    private async Task<(int Lost, int Hits)> RunEdgeAsync(bool guarded, int stopAfterHits)
    {
        await using var connectionA = new NatsConnection(NatsOpts.Default with { Url = fixture.Url });
        await using var connectionB = new NatsConnection(NatsOpts.Default with { Url = fixture.Url });
        var names = new ChannelNames(NatsFixture.UniquePrefix(), "edge/probe");
        var js = new NatsJSContext(connectionA);
        await js.CreateStreamAsync(new StreamConfig(names.WorkStream, [names.KeyedSubject(Partition)]) { Retention = StreamConfigRetention.Workqueue });
        await js.CreateOrUpdateConsumerAsync(names.WorkStream, new ConsumerConfig(ChannelNames.PartitionConsumer(Partition))
        {
            DurableName = ChannelNames.PartitionConsumer(Partition),
            FilterSubject = names.KeyedSubject(Partition),
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = AckWait,
            MaxAckPending = 1,
        });
        await js.PublishAsync(names.KeyedSubject(Partition), Encoding.UTF8.GetBytes("head"));
        // A message for a request we had given up: handed back at once, as the adapter does.
        static async Task Stray(INatsJSMsg<byte[]> message, int partition) => await message.NakAsync(new AckOpts { DoubleAck = true });
        await using var a = await PartitionRequests.StartAsync(connectionA, js, names, TimeProvider.System, Stray, CancellationToken.None);
        await using var b = await PartitionRequests.StartAsync(connectionB, new NatsJSContext(connectionB), names, TimeProvider.System, Stray, CancellationToken.None);
        var workers = new[] { a, b };

        var holder = 0;
        var held = await (await a.SendAsync(Partition, TimeSpan.FromSeconds(5), CancellationToken.None)) ?? throw new InvalidOperationException("The head never came.");
        var lost = 0;
        // A staircase on the edge: a NAK the pull still caught moves the next one later, a NAK that came after the pull
        // ended moves it earlier, so the tries gather where the server decides between the two.
        var offset = TimeSpan.Zero;
        var step = TimeSpan.FromMicroseconds(200);
        var hits = 0;
        for (var i = 0; i < MaxTries && hits < stopAfterHits; i++)
        {
            var puller = 1 - holder;
            var sentAt = Stopwatch.GetTimestamp();
            var pull = await workers[puller].SendAsync(Partition, PullExpiry, CancellationToken.None);
            var nakAt = sentAt + (long)((PullExpiry + offset).TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < nakAt) Thread.SpinWait(20);
            var guard = guarded ? await workers[holder].SendAsync(Partition, Guard, CancellationToken.None) : null;
            await held.NakAsync(new AckOpts { DoubleAck = true });

            var got = await pull;
            // The pull ended without its 408: the server removed it as expired while picking a message for it.
            var endedSilently = Stopwatch.GetElapsedTime(sentAt) > PullExpiry + TimeSpan.FromMilliseconds(100);
            var byGuard = false;
            if (got is null && guard is not null)
            {
                got = await guard;
                byGuard = got is not null;
            }
            if (got is null)
            {
                // Nobody had it: either the NAK came after the server ended the pull (the message waits, and the next
                // request takes it at once) or the server dropped it (it comes back only after its ack wait).
                var askedAt = Stopwatch.StartNew();
                held = await (await workers[holder].SendAsync(Partition, AckWait + TimeSpan.FromSeconds(5), CancellationToken.None)) ?? throw new InvalidOperationException("The head never came back.");
                if (askedAt.Elapsed > Lost)
                {
                    lost++;
                    hits++;
                }
                offset -= step;
                output.WriteLine($"{i} offset {offset.TotalMilliseconds} nobody; back after {askedAt.ElapsedMilliseconds} ms");
            }
            else
            {
                held = got;
                if (byGuard && endedSilently) hits++;
                holder = byGuard ? holder : puller;
                offset += byGuard ? -step : step;
                output.WriteLine($"{i} offset {offset.TotalMilliseconds} by {(byGuard ? "guard" : "pull")} after {(Stopwatch.GetTimestamp() - sentAt) * 1000 / Stopwatch.Frequency} ms");
            }
            // Both requests must be over before the next round (one request per partition and worker).
            await pull;
            if (guard is not null) await guard;
        }
        return (lost, hits);
    }
}

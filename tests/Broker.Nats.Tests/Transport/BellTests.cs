using System.Diagnostics;
using System.Threading.Channels;
using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using Broker.Nats.Tests.Infrastructure;
using NATS.Client.Core;

namespace Broker.Nats.Tests.Transport;

/// <summary>
/// The wake-up bell's coalescing on a real server: a burst of rings sends a handful of bells, yet a bell always goes out
/// no earlier than the last ring (an idle subscription that missed the others still wakes), and a ring after a quiet
/// spell goes out at once.
/// </summary>
public sealed class BellTests(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    [NatsFact]
    public async Task ABurstOfRingsSendsAFewBellsAndTheLastRingIsAlwaysFollowedByOne()
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = fixture.Url });
        var names = new ChannelNames(NatsFixture.UniquePrefix(), "bell/burst");
        await using var heard = await Listen(connection, names);
        var bell = new Bell(connection, TimeProvider.System);

        const int Rings = 5_000;
        var burst = Stopwatch.StartNew();
        for (var i = 0; i < Rings; i++)
            await bell.RingAsync(names, 0);
        var lastRingAt = Stopwatch.GetTimestamp();
        var took = burst.Elapsed;

        // The trailing bell comes within a window of the last ring; then nothing more is owed.
        var last = await heard.NextAsync(Waits.Generous);
        while (await heard.NextOrNullAsync(TimeSpan.FromMilliseconds(200)) is { } later)
            last = later;
        Assert.True(last.At >= lastRingAt, "No bell went out after the last ring: an idle subscription would miss that message until its poll.");
        Assert.Equal("0", last.Payload);
        // At most one bell per window of the burst, plus the trailing one (and a generous allowance for timer slack).
        var bound = (int)(took / Bell.Window) + 2;
        Assert.InRange(heard.Count, 1, Math.Min(bound * 2, Rings / 10));
    }

    [NatsFact]
    public async Task ARingWithinTheWindowOfTheLastBellIsDeferredNotDropped()
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = fixture.Url });
        var names = new ChannelNames(NatsFixture.UniquePrefix(), "bell/deferred");
        await using var heard = await Listen(connection, names);
        var bell = new Bell(connection, TimeProvider.System);

        // The first ring goes out at once; the second, right behind it, is owed a bell of its own at the window's end.
        var first = Stopwatch.GetTimestamp();
        await bell.RingAsync(names, 0);
        await bell.RingAsync(names, 0);
        await bell.RingAsync(names, 0);
        await heard.NextAsync(Waits.Generous);
        var trailing = await heard.NextAsync(Waits.Generous);
        Assert.True(Stopwatch.GetElapsedTime(first, trailing.At) >= Bell.Window - TimeSpan.FromMilliseconds(0.5), "The trailing bell came before the window ended.");
        // Two bells for three rings, and nothing more owed.
        Assert.Null(await heard.NextOrNullAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(2, heard.Count);
    }

    [NatsFact]
    public async Task ARingAfterAQuietSpellGoesOutAtOnceAndBellsOfOtherLevelsAndPartitionsAreNotFolded()
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = fixture.Url });
        var names = new ChannelNames(NatsFixture.UniquePrefix(), "bell/quiet");
        await using var heard = await Listen(connection, names);
        var bell = new Bell(connection, TimeProvider.System);

        await bell.RingAsync(names, 0);
        await bell.RingAsync(names, 5);
        await bell.RingPartitionAsync(names, 3);
        var payloads = new HashSet<string>();
        for (var i = 0; i < 3; i++)
            payloads.Add((await heard.NextAsync(Waits.Generous)).Payload);
        Assert.Equal(new HashSet<string> { "0", "5", "k3" }, payloads);
        Assert.Equal(5, Bell.LevelOf("5"u8.ToArray()));
        Assert.Equal(3, Bell.PartitionOf("k3"u8.ToArray()));
    }

    private static async Task<Heard> Listen(NatsConnection connection, ChannelNames names)
    {
        var subscription = await connection.SubscribeCoreAsync<byte[]>(names.BellSubject);
        // A round trip: the server has the subscription before the first ring.
        await connection.PingAsync();
        return new Heard(subscription);
    }

    /// <summary>The bells one subscription heard, each stamped when it arrived.</summary>
    private sealed class Heard : IAsyncDisposable
    {
        private readonly INatsSub<byte[]> _subscription;
        private readonly Channel<(string Payload, long At)> _bells = Channel.CreateUnbounded<(string, long)>();
        private readonly Task _reading;

        public Heard(INatsSub<byte[]> subscription)
        {
            _subscription = subscription;
            _reading = Task.Run(async () =>
            {
                await foreach (var message in subscription.Msgs.ReadAllAsync())
                {
                    Interlocked.Increment(ref _count);
                    _bells.Writer.TryWrite((System.Text.Encoding.ASCII.GetString(message.Data ?? []), Stopwatch.GetTimestamp()));
                }
            });
        }

        private int _count;

        public int Count => Volatile.Read(ref _count);

        public async Task<(string Payload, long At)> NextAsync(TimeSpan timeout) =>
            await _bells.Reader.ReadAsync().AsTask().WaitAsync(timeout);

        public async Task<(string Payload, long At)?> NextOrNullAsync(TimeSpan quiet)
        {
            try
            {
                return await NextAsync(quiet);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _subscription.DisposeAsync();
            await _reading;
        }
    }
}

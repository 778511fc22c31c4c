using Broker.Engine.Storage;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

/// <summary>
/// Subscriptions that read payloads late (<see cref="PayloadReading.Deferred"/>), as the server's are: a granted
/// delivery holds no payload until the consumer reads it, and the read finds the message wherever it is now.
/// </summary>
[Collection(Serial.Name)]
public sealed class DeferredPayloadTests(ITestOutputHelper output)
{
    private static readonly LogStoreOptions Small = new() { SegmentBytes = 64 * 1024 };

    [Fact]
    public async Task ACreditOfTenThousandOverLargeMessagesHoldsNoPayloadBytesUntilRead()
    {
        const int Messages = 1000;
        const int PayloadBytes = 100 * 1024;
        using var directory = new TempDirectory();
        var store = LogQueueStore.Open(directory.Path, new LogStoreOptions { Durability = DurabilityMode.Buffered, SegmentBytes = 16 * 1024 * 1024 });
        await using var h = new EngineHarness(store, ownsStore: true);
        var orders = Channel();
        for (var i = 0; i < Messages; i++)
            await h.Engine.ProduceAsync(new ChannelMessage(orders, Large(i, PayloadBytes), null, TimeSpan.Zero, 0));
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var subscription = await Deferred(h, orders, maxParallel: 10_000);

        var deliveries = Drain(subscription);
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        output.WriteLine($"{Messages} granted deferred deliveries of {PayloadBytes / 1024} KiB hold {held / 1024} KiB of managed memory");
        Assert.Equal(Messages, deliveries.Count);
        Assert.Equal(Messages, h.Engine.GetStats("orders").Leased);
        // Counted: no delivery carries a byte of its payload, but each knows how large it is.
        Assert.All(deliveries, d => Assert.True(d.Payload.IsEmpty && ((DeferredDelivery)d).PayloadLength == PayloadBytes));
        // Measured: 1,000 granted deliveries hold their bookkeeping (a few hundred KiB), not 100 MB of payloads.
        Assert.True(held < 8 * 1024 * 1024, $"1,000 granted deliveries of 100 KB hold {held / 1024} KiB.");

        Assert.True(subscription.TryReadPayload(deliveries[^1], out var payload, out _));
        Assert.Equal(Large(Messages - 1, PayloadBytes), payload.ToArray());
        GC.KeepAlive(deliveries);
    }

    [Fact]
    public async Task LeaseBookkeepingOfAnUnsettledDeferredDeliveryIsAFewHundredBytes()
    {
        // The figure docs/server.md multiplies by --max-unsettled. Payloads of 1 KiB from the log, which copies what it
        // reads: a delivery that held its payload would cost more than the whole allowance (1.4 KiB measured).
        const int Messages = 20_000;
        using var directory = new TempDirectory();
        var store = LogQueueStore.Open(directory.Path, new LogStoreOptions { Durability = DurabilityMode.Buffered, SegmentBytes = 16 * 1024 * 1024 });
        await using var h = new EngineHarness(store, ownsStore: true);
        var orders = Channel();
        var kilobyte = new string('m', 1024);
        await h.Produce(orders, "warm-up");
        var warmUp = await Deferred(h, orders, maxParallel: 1);
        await warmUp.CompleteAsync(Single(warmUp), default);
        await warmUp.DisposeAsync();
        for (var i = 0; i < Messages; i++)
            await h.Produce(orders, kilobyte);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var subscription = await Deferred(h, orders, maxParallel: Messages);

        var perDelivery = (GC.GetTotalMemory(forceFullCollection: true) - before) / Messages;
        output.WriteLine($"lease bookkeeping: {perDelivery} bytes per unsettled deferred delivery");
        Assert.Equal(Messages, h.Engine.GetStats("orders").Leased);
        Assert.True(perDelivery < 512, $"An unsettled delivery costs {perDelivery} bytes of lease bookkeeping.");
        GC.KeepAlive(subscription);
    }

    [Fact]
    public async Task ThePayloadIsReadFromWhereCompactionMovedItAfterTheLeaseWasGranted()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        await using var h = new EngineHarness(store, time, ownsStore: true);
        var orders = Channel();
        await h.Produce(orders, "the one in the oldest segment");
        var subscription = await Deferred(h, orders, maxParallel: 1);
        var delivery = Single(subscription);
        var oldest = store.SegmentFiles[0];

        await FillAndDrainAsync(h);
        // The first pass copies the leased message to the head and retires its segment; the second closes the file.
        await store.CompactAsync();
        await store.CompactAsync();

        Assert.DoesNotContain(oldest, store.SegmentFiles);
        Assert.True(subscription.TryReadPayload(delivery, out var payload, out _));
        Assert.Equal("the one in the oldest segment", Decode(payload));
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, default));
    }

    [Fact]
    public async Task AReadThatCompactionOvertakesIsRetriedWhereThePayloadWentAndCountsNothing()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var log = LogQueueStore.Open("/data", fs, Small, time, null);
        var store = new ReadHookStore(log);
        await using var h = new EngineHarness(store, time, ownsStore: true);
        var orders = Channel();
        await h.Produce(orders, "moved while being read");
        var subscription = await Deferred(h, orders, maxParallel: 1);
        var delivery = Single(subscription);
        await FillAndDrainAsync(h);
        // The read starts at the old position; compaction moves the payload and retires its segment before the read
        // reaches the store.
        store.BeforeNextRead(() => Task.Run(async () =>
        {
            await log.CompactAsync();
            await log.CompactAsync();
        }).GetAwaiter().GetResult());

        Assert.True(subscription.TryReadPayload(delivery, out var payload, out _));

        Assert.Equal("moved while being read", Decode(payload));
        Assert.Equal(2, store.Reads);
        Assert.Equal(1, store.FailedReads);
        // Nothing counted as a failure: the lease is intact and its delivery the first.
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, default));
        Assert.Equal(1, delivery.Tries);
    }

    [Fact]
    public async Task NothingIsReadForALeaseThatIsNoLongerCurrent()
    {
        await using var h = new EngineHarness();
        var orders = Channel();
        for (var i = 0; i < 4; i++)
            await h.Produce(orders, "m" + i);
        var subscription = await Deferred(h, orders, maxParallel: 4, lease: TimeSpan.FromSeconds(30));
        var deliveries = Drain(subscription);
        Assert.Equal(4, deliveries.Count);

        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(deliveries[0], default));
        Assert.Equal(SettleOutcome.Released, await subscription.ReleaseAsync(deliveries[1], default));
        Assert.False(subscription.TryReadPayload(deliveries[0], out _, out _));
        Assert.False(subscription.TryReadPayload(deliveries[1], out _, out _));
        // Released, so granted again to the same subscription: the new delivery reads, the old one does not.
        var again = Single(subscription);
        Assert.Equal(deliveries[1].Id, again.Id);
        Assert.True(subscription.TryReadPayload(again, out var payload, out _));
        Assert.Equal("m1", Decode(payload));

        // Expired: refused at once, even before the timer has run.
        h.Clock.AdjustTime(h.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        Assert.False(subscription.TryReadPayload(deliveries[2], out _, out _));

        // Closed: what it held is lost.
        var other = await Deferred(h, Channel("others"), maxParallel: 1);
        await h.Produce(Channel("others"), "x");
        var last = Single(other);
        await other.DisposeAsync();
        Assert.False(other.TryReadPayload(last, out _, out _));
        Assert.Equal(1, h.Engine.GetStats("others").Ready);
    }

    [Fact]
    public async Task APayloadThatCannotBeReadCountsAsAFailedAttempt()
    {
        var store = new ReadHookStore(new MemoryQueueStore(), failEveryRead: true);
        await using var h = new EngineHarness(store);
        var orders = Channel(retryDelay: TimeSpan.FromSeconds(5));
        await h.Produce(orders, "unreadable");
        var subscription = await Deferred(h, orders, maxParallel: 1);
        var delivery = Single(subscription);

        Assert.False(subscription.TryReadPayload(delivery, out _, out _));

        Assert.Equal(SettleOutcome.LeaseLost, await subscription.CompleteAsync(delivery, default));
        var stats = h.Engine.GetStats("orders");
        Assert.Equal((0, 1), (stats.Leased, stats.Delayed));
    }

    private static async ValueTask<EngineSubscription> Deferred(EngineHarness h, ChannelDefinition channel, int maxParallel, TimeSpan? lease = null)
    {
        await h.Engine.DeclareAsync(channel);
        return await h.Engine.SubscribeAsync(channel.Name, new SubscriptionSettings(maxParallel, lease ?? TimeSpan.FromMinutes(10)), PayloadReading.Deferred, default);
    }

    /// <summary>Fills several segments with messages that are consumed at once, so the oldest is mostly dead.</summary>
    private static async Task FillAndDrainAsync(EngineHarness h)
    {
        var filler = await h.Subscribe(Channel("filler"), maxParallel: 1000);
        for (var i = 0; i < 3000; i++)
            await h.Produce(Channel("filler"), $"filler {i} with some bytes to fill the segments up");
        await h.CompleteAll(filler, "filler");
        await filler.DisposeAsync();
    }

    /// <summary>A BSON document <c>{v: binary}</c> of exactly <paramref name="length"/> bytes, its data random by seed.</summary>
    private static byte[] Large(int seed, int length)
    {
        var bytes = new byte[length];
        var data = length - 13;
        BitConverter.TryWriteBytes(bytes.AsSpan(0), length);
        bytes[4] = 0x05; // binary
        bytes[5] = (byte)'v';
        BitConverter.TryWriteBytes(bytes.AsSpan(7), data);
        new Random(seed).NextBytes(bytes.AsSpan(12, data));
        return bytes;
    }

    private static string Decode(ReadOnlyMemory<byte> payload) => System.Text.Encoding.UTF8.GetString(payload.Span);

    /// <summary>A store that can run something before its next payload read, counts reads, or fails them all.</summary>
    private sealed class ReadHookStore(IQueueStore inner, bool failEveryRead = false) : IQueueStore
    {
        private Action? _beforeNextRead;

        public int Reads { get; private set; }

        public int FailedReads { get; private set; }

        /// <summary>Runs <paramref name="action"/> at the next read, before it reaches the inner store; counts from zero.</summary>
        public void BeforeNextRead(Action action)
        {
            Reads = FailedReads = 0;
            _beforeNextRead = action;
        }

        public ValueTask RecoverAsync(IStoreReplayTarget target, CancellationToken cancellationToken) => inner.RecoverAsync(target, cancellationToken);

        public ValueTask<PayloadRef> EnqueueAsync(EnqueuedRecord record, ReadOnlyMemory<byte> headers, ReadOnlyMemory<byte> payload) => inner.EnqueueAsync(record, headers, payload);

        public ValueTask AppendAsync(StoreRecord record) => inner.AppendAsync(record);

        public void ForgetChannel(string channel, long lastId) => inner.ForgetChannel(channel, lastId);

        public ValueTask DeclareAsync(ChannelDefinition policy) => inner.DeclareAsync(policy);

        public void ForgetPolicy(string channel) => inner.ForgetPolicy(channel);

        public ReadOnlyMemory<byte> ReadPayload(in PayloadRef payload)
        {
            Reads++;
            Interlocked.Exchange(ref _beforeNextRead, null)?.Invoke();
            try
            {
                if (failEveryRead)
                    throw new InvalidDataException("The segment is damaged.");
                return inner.ReadPayload(payload);
            }
            catch
            {
                FailedReads++;
                throw;
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

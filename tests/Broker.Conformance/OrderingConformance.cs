using System.Collections.Concurrent;
using Broker.Transport;

namespace Broker.Conformance;

/// <summary>
/// Ordering by key (docs/ordering.md): messages of one key are handled one at a time, in production order, across
/// every worker; other keys and unkeyed messages run in parallel; retries, dead letters, re-drives, delays and crashed
/// workers keep a key's order.
/// </summary>
public abstract class OrderingConformance(IBrokerFixture fixture)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task ManyKeysAcrossSeveralWorkersAreEachHandledInOrderOneAtATime()
    {
        const int keys = 40, perKey = 10, workers = 3;
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IKeyedEventChannel>();
        var tracker = new KeyTracker();
        for (var w = 0; w < workers; w++)
        {
            await broker.ConsumeAsync<KeyedEvent>(channel, async (message, cancellationToken) =>
            {
                tracker.Enter(message.Data);
                // Random handler times shuffle which worker finishes first.
                await Task.Delay(Random.Shared.Next(0, 4), cancellationToken);
                tracker.Exit(message.Data);
            }, maxParallel: 8);
        }

        // Each key's messages produced in sequence, the keys at the same time.
        await Task.WhenAll(Enumerable.Range(0, keys).Select(async k =>
        {
            for (var seq = 1; seq <= perKey; seq++)
                await channel.ProduceAsync(new KeyedEvent($"customer-{k}", seq));
        }));

        await tracker.WaitForAsync(keys * perKey);
        tracker.AssertClean();
        Assert.All(Enumerable.Range(0, keys), k => Assert.Equal(perKey, tracker.LastSeq($"customer-{k}")));
        Assert.True(tracker.MostAtOnce > 1, $"Different keys never ran at the same time (at most {tracker.MostAtOnce} in handlers).");
    }

    [Fact]
    public async Task AFailingMessageHoldsItsKeyThroughItsRetries()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IKeyedEventChannel>();
        var tracker = new KeyTracker();
        var recorder = await broker.RecordAsync(channel, maxParallel: 4, behaviour: m =>
        {
            tracker.Enter(m.Data);
            tracker.Exit(m.Data);
            return m.Data is { Key: "a", Seq: 1 } && m.Tries < 3 ? throw new InvalidOperationException($"failure {m.Tries}") : ValueTask.CompletedTask;
        });

        for (var seq = 1; seq <= 3; seq++)
            await channel.ProduceAsync(new KeyedEvent("a", seq));

        await broker.AdvanceUntilAsync(() => recorder.Handled.Count == 3, Step, "a1's third delivery and a2, a3 after it");
        Assert.Equal([(1, 1), (1, 2), (1, 3), (2, 1), (3, 1)], recorder.Attempts.Select(m => (m.Data.Seq, m.Tries)));
        tracker.AssertNoOverlap();
    }

    [Fact]
    public async Task ADeadLetteredMessageLetsItsKeyGoOnAndARedriveIsHandledInTurn()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IKeyedEventChannel>();
        var healed = false;
        var tracker = new KeyTracker();
        var recorder = await broker.RecordAsync(channel, maxParallel: 4, behaviour: m =>
        {
            tracker.Enter(m.Data);
            tracker.Exit(m.Data);
            return m.Data.Seq == 1 && !Volatile.Read(ref healed) ? throw new InvalidOperationException("poison") : ValueTask.CompletedTask;
        });

        var poison = await channel.ProduceAsync(new KeyedEvent("a", 1));
        await channel.ProduceAsync(new KeyedEvent("a", 2));

        await broker.AdvanceUntilAsync(() => recorder.Handled.Count == 1, Step, "a1 to be dead-lettered and a2 handled");
        Assert.Equal([(1, 1), (1, 2), (1, 3), (2, 1)], recorder.Attempts.Select(m => (m.Data.Seq, m.Tries)));
        var dead = await WaitForDeadLetterAsync(broker, channel);
        Assert.Equal(poison.MessageId, dead.Id);

        Volatile.Write(ref healed, true);
        Assert.True(await channel.DeadLetters.RedriveAsync(dead.Id));
        var handled = await recorder.WaitForAsync(2);
        Assert.Equal((1, 1), (handled[1].Data.Seq, handled[1].Tries));
        tracker.AssertNoOverlap();
    }

    [Fact]
    public async Task ACrashedWorkersHeadIsRedeliveredBeforeTheRestOfItsKey()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IKeyedEventChannel>();
        var crashed = await broker.Transport.SubscribeAsync(channel.Definition, new SubscriptionSettings(4, TimeSpan.FromMinutes(10)), CancellationToken.None);
        var first = await channel.ProduceAsync(new KeyedEvent("a", 1));
        await channel.ProduceAsync(new KeyedEvent("a", 2));
        await channel.ProduceAsync(new KeyedEvent("a", 3));
        var taken = await crashed.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
        Assert.Equal(first.MessageId, taken.Id);
        var healthy = await broker.RecordAsync(channel, maxParallel: 4);

        // Killed without settling: its head goes to the healthy worker first, then the rest in order.
        await crashed.DisposeAsync();
        var handled = await healthy.WaitForAsync(3);
        Assert.Equal([1, 2, 3], handled.Select(m => m.Data.Seq));
        Assert.Equal(2, handled[0].Tries);
    }

    [Fact]
    public async Task ADelayedMessageHoldsItsKeyUntilItIsDue()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IKeyedEventChannel>();
        var recorder = await broker.RecordAsync(channel, maxParallel: 4);

        await channel.ProduceAsync(new KeyedEvent("a", 1), new ProduceOptions { Delay = TimeSpan.FromSeconds(1) });
        await channel.ProduceAsync(new KeyedEvent("a", 2));

        await broker.AdvanceUntilAsync(() => recorder.Handled.Count == 2, Step * 2.5, "the delayed head and the message behind it");
        Assert.Equal([1, 2], recorder.Handled.Select(m => m.Data.Seq));
    }

    [Fact]
    public async Task AProduceMayGiveItsKeyAndUnkeyedMessagesRunInParallel()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IOrderedByProduceChannel>();
        var tracker = new KeyTracker();
        var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inHandlers = 0;
        await broker.ConsumeAsync<KeyedEvent>(channel, async (message, cancellationToken) =>
        {
            if (message.Data.Key == "none")
            {
                // Four unkeyed messages must be in handlers together: nothing orders them.
                if (Interlocked.Increment(ref inHandlers) == 4)
                    allIn.TrySetResult();
                await allIn.Task.WaitAsync(Waits.Generous, cancellationToken);
                tracker.Enter(message.Data with { Key = $"none-{message.Id}" });
                tracker.Exit(message.Data with { Key = $"none-{message.Id}" });
                return;
            }
            tracker.Enter(message.Data);
            await Task.Delay(Random.Shared.Next(0, 3), cancellationToken);
            tracker.Exit(message.Data);
        }, maxParallel: 8);

        for (var i = 1; i <= 4; i++)
            await channel.ProduceAsync(new KeyedEvent("none", i));
        for (var seq = 1; seq <= 20; seq++)
            await channel.ProduceAsync(new KeyedEvent("given", seq), new ProduceOptions { OrderingKey = "given" });

        await tracker.WaitForAsync(24);
        tracker.AssertClean(ignoreKeyPrefix: "none-");
        Assert.Equal(20, tracker.LastSeq("given"));
    }

    [Fact]
    public async Task AKeyOnAChannelThatIsNotOrderedIsRefused()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await channel.ProduceAsync(new User(1, "x"), new ProduceOptions { OrderingKey = "k" }));

        Assert.Contains("'user/registered' is not ordered", error.Message, StringComparison.Ordinal);
    }

    private static async Task<DeadLetter<KeyedEvent>> WaitForDeadLetterAsync(BrokerUnderTest broker, IKeyedEventChannel channel)
    {
        IReadOnlyList<DeadLetter<KeyedEvent>> found = [];
        await broker.AdvanceUntilAsync(async () => (found = await channel.DeadLetters.ListAsync()).Count == 1, Step, "the dead letter to be listed");
        return found[0];
    }

    /// <summary>
    /// Watches handlers: a key entered while another message of it is in a handler, or a sequence number that does not
    /// follow the last one handled for its key, is a violation.
    /// </summary>
    private sealed class KeyTracker
    {
        private readonly ConcurrentDictionary<string, int> _inHandler = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _lastSeq = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _violations = new();
        private readonly ConcurrentQueue<string> _overlaps = new();
        private readonly SemaphoreSlim _exits = new(0);
        private int _running;
        private int _mostAtOnce;

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public int LastSeq(string key) => _lastSeq.GetValueOrDefault(key);

        public void Enter(KeyedEvent message)
        {
            if (_inHandler.AddOrUpdate(message.Key, 1, (_, n) => n + 1) > 1)
                _overlaps.Enqueue($"{message.Key}#{message.Seq} entered while another message of its key was in a handler");
            var running = Interlocked.Increment(ref _running);
            for (var most = Volatile.Read(ref _mostAtOnce); running > most; most = Volatile.Read(ref _mostAtOnce))
                Interlocked.CompareExchange(ref _mostAtOnce, running, most);
        }

        public void Exit(KeyedEvent message)
        {
            Interlocked.Decrement(ref _running);
            _inHandler.AddOrUpdate(message.Key, 0, (_, n) => n - 1);
            var last = _lastSeq.GetValueOrDefault(message.Key);
            // A message handled again (a retry) repeats its number; anything else must be the next one.
            if (message.Seq != last + 1 && message.Seq != last)
                _violations.Enqueue($"{message.Key}#{message.Seq} handled after #{last}");
            _lastSeq[message.Key] = Math.Max(last, message.Seq);
            _exits.Release();
        }

        public async Task WaitForAsync(int exits)
        {
            using var timeout = new CancellationTokenSource(Waits.Generous * 2);
            for (var i = 0; i < exits; i++)
            {
                if (!await _exits.WaitAsync(Waits.Generous * 2, timeout.Token).ConfigureAwait(false))
                    Assert.Fail($"Only {i} of {exits} messages were handled in time; violations so far: {string.Join("; ", _violations.Concat(_overlaps).Take(5))}.");
            }
        }

        public void AssertNoOverlap() => Assert.True(_overlaps.IsEmpty, string.Join("; ", _overlaps.Take(10)));

        public void AssertClean(string? ignoreKeyPrefix = null)
        {
            AssertNoOverlap();
            var violations = _violations.Where(v => ignoreKeyPrefix is null || !v.StartsWith(ignoreKeyPrefix, StringComparison.Ordinal)).ToList();
            Assert.True(violations.Count == 0, string.Join("; ", violations.Take(10)));
        }
    }
}

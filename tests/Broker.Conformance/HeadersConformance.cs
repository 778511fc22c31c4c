using Broker.Transport;

namespace Broker.Conformance;

/// <summary>
/// A message's headers travel and persist with it on every adapter: through a delay, a failed attempt, a requested
/// retry, a hand-back, the dead-letter queue and a re-drive; a message without headers has none; headers past the
/// limits are refused naming the channel, and nothing is stored.
/// </summary>
public abstract class HeadersConformance(IBrokerFixture fixture)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private static readonly Dictionary<string, string> Sent = new()
    {
        ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ["correlation-id"] = "order-42",
        // Keys keep their case and any character; values any text.
        ["Tenant"] = "Ünïcode ✓",
        ["tenant"] = "lower case is another key",
    };

    [Fact]
    public async Task HeadersTravelThroughADelayAFailedAttemptAndARequestedRetry()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IFlakyUserChannel>();
        var recorder = await broker.RecordAsync(channel, behaviour: m =>
        {
            if (m.Tries == 1) throw new InvalidOperationException("first attempt fails");
            if (m.Tries == 2) m.RetryAfter(TimeSpan.FromMilliseconds(50));
            return ValueTask.CompletedTask;
        });

        await channel.ProduceAsync(new User(1, "traced"), new ProduceOptions { Headers = Sent, Delay = TimeSpan.FromMilliseconds(100) });

        await broker.AdvanceUntilAsync(() => recorder.Attempts.Count >= 3, Step, "the third delivery");
        Assert.Equal([1, 2, 3], recorder.Attempts.Select(m => m.Tries));
        foreach (var attempt in recorder.Attempts)
            Assert.Equal(Sent.OrderBy(h => h.Key, StringComparer.Ordinal), attempt.Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task HeadersAreKeptInTheDeadLetterQueueAndThroughARedrive()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IFlakyUserChannel>();
        var healed = false;
        var recorder = await broker.RecordAsync(channel, behaviour: _ =>
            Volatile.Read(ref healed) ? ValueTask.CompletedTask : throw new InvalidOperationException("not yet"));

        await channel.ProduceAsync(new User(1, "poison"), new ProduceOptions { Headers = Sent });
        IReadOnlyList<DeadLetter<User>> dead = [];
        await broker.AdvanceUntilAsync(async () => (dead = await channel.DeadLetters.ListAsync()).Count == 1, Step, "the message to be dead-lettered");

        Assert.Equal(Sent.OrderBy(h => h.Key, StringComparer.Ordinal), dead[0].Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
        Assert.Equal(Sent.Count, (await channel.DeadLetters.GetAsync(dead[0].Id))!.Headers.Count);
        Volatile.Write(ref healed, true);
        Assert.True(await channel.DeadLetters.RedriveAsync(dead[0].Id));
        var handled = await recorder.WaitForAsync(1);
        Assert.Equal(Sent.OrderBy(h => h.Key, StringComparer.Ordinal), handled[0].Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task HeadersSurviveAHandBackAndAMessageWithoutHeadersHasNone()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>().Definition;
        var encoded = HeaderCodec.Encode(Sent, channel.Name);
        await using var subscription = await broker.Transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromMinutes(1)), CancellationToken.None);

        await broker.Transport.ProduceAsync(new ChannelMessage(channel, EmptyDocument, null, TimeSpan.Zero, 0) { Headers = encoded }, CancellationToken.None);
        var first = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
        Assert.Equal(SettleOutcome.Released, await subscription.ReleaseAsync(first, CancellationToken.None));
        var again = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(again, CancellationToken.None));
        await broker.Transport.ProduceAsync(new ChannelMessage(channel, EmptyDocument, null, TimeSpan.Zero, 0), CancellationToken.None);
        var plain = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(encoded, first.Headers.ToArray());
        Assert.Equal(encoded, again.Headers.ToArray());
        Assert.True(plain.Headers.IsEmpty);
        Assert.Equal(EmptyDocument, plain.Payload.ToArray());
        Assert.Empty(HeaderCodec.Decode(plain.Headers.Span));
    }

    [Fact]
    public async Task HeadersPastTheLimitsAreRefusedNamingTheChannelAndNothingIsStored()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var typed = broker.Channel<IUserChannel>();
        var channel = typed.Definition;
        var huge = new Dictionary<string, string> { ["big"] = new string('x', HeaderCodec.MaxBytes) };
        var emptyKey = new Dictionary<string, string> { [""] = "value" };

        var tooLarge = await Assert.ThrowsAsync<ArgumentException>(async () => await typed.ProduceAsync(new User(1, "x"), new ProduceOptions { Headers = huge }));
        var noKey = await Assert.ThrowsAsync<ArgumentException>(async () => await typed.ProduceAsync(new User(1, "x"), new ProduceOptions { Headers = emptyKey }));
        // Bytes that are not a headers document, straight to the adapter, past the channel runtime's encoder.
        var garbage = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await broker.Transport.ProduceAsync(new ChannelMessage(channel, EmptyDocument, null, TimeSpan.Zero, 0) { Headers = new byte[] { 9, 0, 0, 0, 1, 2, 3, 4, 0 } }, CancellationToken.None));

        Assert.Contains($"channel '{channel.Name}'", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains($"the limit is {HeaderCodec.MaxBytes} bytes", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains("empty key", noKey.Message, StringComparison.Ordinal);
        Assert.Contains($"channel '{channel.Name}'", garbage.Message, StringComparison.Ordinal);
        await using var subscription = await broker.Transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromMinutes(1)), CancellationToken.None);
        var accepted = await broker.Transport.ProduceAsync(new ChannelMessage(channel, EmptyDocument, null, TimeSpan.Zero, 0), CancellationToken.None);
        Assert.Equal(accepted.MessageId, (await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous)).Id);
    }

    // The smallest BSON document: its length (5) and the terminating zero.
    private static byte[] EmptyDocument => [5, 0, 0, 0, 0];
}

namespace Broker.Conformance;

/// <summary>
/// Ports of the six queue tests of Deepkit's <c>packages/broker/tests/broker.spec.ts</c>, with its payload and its channel name
/// (<c>user/registered</c>; the ExactlyOnce ports use channels of their own, <c>user/registered-once</c> and
/// <c>user/registered-once-1s</c>, declared with the processing mode and window each one tests).
/// "Consumed exactly once" is proven without sleeping: subscriptions handle one message at a time in production order,
/// so a sentinel produced last is handled after any repeat that was (wrongly) enqueued.
/// </summary>
public abstract class DeepkitQueueConformance(IBrokerFixture fixture)
{
    private static readonly User Peter = new(3, "peter");
    private static readonly User Sentinel = new(4, "sentinel");

    [Fact]
    public async Task QueueBasics()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var recorder = await broker.RecordAsync(channel);

        await channel.ProduceAsync(Peter);

        var handled = await recorder.WaitForAsync(1);
        Assert.Equal(Peter, handled[0].Data);
        Assert.Equal("user/registered", handled[0].Channel);
    }

    [Fact]
    public async Task ChannelLevelExactlyOnceDropsTheRepeat()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IExactlyOnceUserChannel>();
        var recorder = await broker.RecordAsync(channel);

        var first = await channel.ProduceAsync(Peter);
        var repeat = await channel.ProduceAsync(Peter);
        await channel.ProduceAsync(Sentinel);

        Assert.Equal(ProduceStatus.Enqueued, first.Status);
        Assert.Equal(ProduceStatus.Duplicate, repeat.Status);
        Assert.Equal(first.MessageId, repeat.MessageId);
        var handled = await recorder.WaitForAsync(2);
        Assert.Equal([Peter, Sentinel], handled.Select(m => m.Data));
    }

    [Fact]
    public async Task ChannelLevelDedupIntervalAcceptsTheRepeatAfterTheWindow()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        // On real time (leases of seconds) the window is three seconds, so the repeat surely comes inside it.
        var realTime = fixture.ShortLease > TimeSpan.FromSeconds(1);
        IQueueChannel<User> channel = realTime ? broker.Channel<IThreeSecondWindowUserChannel>() : broker.Channel<IShortWindowUserChannel>();
        var window = channel.Definition.DedupInterval;
        var recorder = await broker.RecordAsync(channel);

        Assert.True((await channel.ProduceAsync(Peter)).IsEnqueued);
        Assert.True((await channel.ProduceAsync(Peter)).IsDuplicate);
        await broker.AdvanceTimeAsync(window * 1.2);
        Assert.True((await channel.ProduceAsync(Peter)).IsEnqueued);

        var handled = await recorder.WaitForAsync(2);
        Assert.Equal([Peter, Peter], handled.Select(m => m.Data));
    }

    [Fact]
    public async Task ProducerLevelExactlyOnceDropsTheRepeat()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var recorder = await broker.RecordAsync(channel);
        var exactlyOnce = new ProduceOptions { Process = QueueMessageProcessing.ExactlyOnce };

        Assert.True((await channel.ProduceAsync(Peter, exactlyOnce)).IsEnqueued);
        Assert.True((await channel.ProduceAsync(Peter, exactlyOnce)).IsDuplicate);
        await channel.ProduceAsync(Sentinel);

        var handled = await recorder.WaitForAsync(2);
        Assert.Equal([Peter, Sentinel], handled.Select(m => m.Data));
    }

    [Fact]
    public async Task ProducerLevelDedupIntervalAcceptsTheRepeatAfterTheWindow()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var recorder = await broker.RecordAsync(channel);
        var oneSecond = new ProduceOptions { Process = QueueMessageProcessing.ExactlyOnce, Dedup = Interval.Parse("1s") };

        Assert.True((await channel.ProduceAsync(Peter, oneSecond)).IsEnqueued);
        await broker.AdvanceTimeAsync(TimeSpan.FromSeconds(1.2));
        Assert.True((await channel.ProduceAsync(Peter, oneSecond)).IsEnqueued);

        var handled = await recorder.WaitForAsync(2);
        Assert.Equal([Peter, Peter], handled.Select(m => m.Data));
    }

    [Fact]
    public async Task CustomHashMakesEqualPayloadsDistinct()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var recorder = await broker.RecordAsync(channel);

        var one = await channel.ProduceAsync(Peter, new ProduceOptions { Process = QueueMessageProcessing.ExactlyOnce, Hash = "1" });
        var two = await channel.ProduceAsync(Peter, new ProduceOptions { Process = QueueMessageProcessing.ExactlyOnce, Hash = "2" });
        var oneAgain = await channel.ProduceAsync(new User(9, "other payload, same hash"), new ProduceOptions { Process = QueueMessageProcessing.ExactlyOnce, Hash = "1" });
        await channel.ProduceAsync(Sentinel);

        Assert.True(one.IsEnqueued);
        Assert.True(two.IsEnqueued);
        Assert.NotEqual(one.MessageId, two.MessageId);
        Assert.True(oneAgain.IsDuplicate);
        Assert.Equal(one.MessageId, oneAgain.MessageId);
        var handled = await recorder.WaitForAsync(3);
        Assert.Equal([Peter, Peter, Sentinel], handled.Select(m => m.Data));
    }
}

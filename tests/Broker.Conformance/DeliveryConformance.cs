namespace Broker.Conformance;

/// <summary>Backlog, one consumer per message, credit, order, delay and message metadata.</summary>
public abstract class DeliveryConformance(IBrokerFixture fixture)
{
    [Fact]
    public async Task BacklogWaitsForALateSubscriber()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        for (var i = 1; i <= 3; i++)
            await channel.ProduceAsync(new User(i, $"user{i}"));

        var recorder = await broker.RecordAsync(channel);

        var handled = await recorder.WaitForAsync(3);
        Assert.Equal([1, 2, 3], handled.Select(m => m.Data.Id));
    }

    [Fact]
    public async Task EachMessageGoesToExactlyOneSubscription()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        // Two subscriptions (two workers) feed one recorder.
        var recorder = new Recorder<User>();
        await broker.ConsumeAsync(channel, recorder.HandleAsync);
        await broker.ConsumeAsync(channel, recorder.HandleAsync);
        const int count = 40;

        for (var i = 0; i < count; i++)
            await channel.ProduceAsync(new User(i, "u"));
        // Produced last: once it is handled, any copy of an earlier message would have been handled too.
        await channel.ProduceAsync(new User(count, "sentinel"));

        var handled = await recorder.WaitForAsync(count + 1);
        Assert.Equal(Enumerable.Range(0, count + 1), handled.Select(m => m.Data.Id).Order());
    }

    [Fact]
    public async Task MaxParallelBoundsRunningHandlers()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var peak = 0;
        var twoRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = await broker.RecordAsync(channel, maxParallel: 2, behaviour: async _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            if (now == 2) twoRunning.TrySetResult();
            await gate.Task;
            Interlocked.Decrement(ref running);
        });

        for (var i = 0; i < 5; i++)
            await channel.ProduceAsync(new User(i, "u"));
        await twoRunning.Task.WaitAsync(Waits.Generous);
        gate.SetResult();

        await recorder.WaitForAsync(5);
        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task HigherPriorityGoesFirstThenProductionOrder()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        await channel.ProduceAsync(new User(1, "low-a"));
        await channel.ProduceAsync(new User(2, "high-b"), new ProduceOptions { Priority = 5 });
        await channel.ProduceAsync(new User(3, "low-c"));
        await channel.ProduceAsync(new User(4, "high-d"), new ProduceOptions { Priority = 5 });
        await channel.ProduceAsync(new User(5, "urgent-e"), new ProduceOptions { Priority = 9 });

        var recorder = await broker.RecordAsync(channel);

        var handled = await recorder.WaitForAsync(5);
        Assert.Equal([5, 2, 4, 1, 3], handled.Select(m => m.Data.Id));
    }

    [Fact]
    public async Task DelayedMessageIsInvisibleUntilDue()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var producedAt = broker.Transport.TimeProvider.GetUtcNow();
        var delay = TimeSpan.FromSeconds(2);
        // Produced first, so if it were visible it would be handled before the sentinel.
        await channel.ProduceAsync(new User(1, "delayed"), new ProduceOptions { Delay = delay });
        await channel.ProduceAsync(new User(2, "sentinel"));
        var handledAt = new List<DateTimeOffset>();
        var recorder = await broker.RecordAsync(channel, behaviour: _ =>
        {
            handledAt.Add(broker.Transport.TimeProvider.GetUtcNow());
            return ValueTask.CompletedTask;
        });

        await recorder.WaitForAsync(1);
        Assert.Equal("sentinel", recorder.Handled[0].Data.Username);
        await broker.AdvanceTimeAsync(delay);

        var handled = await recorder.WaitForAsync(2);
        Assert.Equal("delayed", handled[1].Data.Username);
        Assert.True(handledAt[1] - producedAt >= delay, $"Handled {handledAt[1] - producedAt} after produce; the delay was {delay}.");
    }

    [Fact]
    public async Task MessageCarriesIdChannelTriesAndProductionTime()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var before = broker.Transport.TimeProvider.GetUtcNow();
        var result = await channel.ProduceAsync(new User(1, "u"), new ProduceOptions { Priority = 3 });
        var after = broker.Transport.TimeProvider.GetUtcNow();
        var recorder = await broker.RecordAsync(channel);

        var message = (await recorder.WaitForAsync(1))[0];

        Assert.Equal(ProduceStatus.Enqueued, result.Status);
        Assert.Equal(result.MessageId, message.Id);
        Assert.Equal("user/registered", message.Channel);
        Assert.Equal(1, message.Tries);
        Assert.Equal(3, message.Priority);
        // Clocks of a remote broker may differ by a little; a second is far more than loopback skew.
        Assert.InRange(message.ProducedAt, before - TimeSpan.FromSeconds(1), after + TimeSpan.FromSeconds(1));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

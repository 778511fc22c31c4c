namespace Broker.Conformance;

/// <summary>Failures are retried with backoff, then dead-lettered; dead letters can be inspected, re-driven and deleted.</summary>
public abstract class RetryConformance(IBrokerFixture fixture)
{
    // IFlakyUserChannel: MaxAttempts = 3, RetryDelay = "100ms" (then 200 ms).
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task AThrowingHandlerIsRetriedWithTriesCounted()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IFlakyUserChannel>();
        var recorder = await broker.RecordAsync(channel, behaviour: m =>
            m.Tries < 3 ? throw new InvalidOperationException($"failure {m.Tries}") : ValueTask.CompletedTask);

        await channel.ProduceAsync(new User(1, "flaky"));

        await broker.AdvanceUntilAsync(() => recorder.Handled.Count == 1, Step, "the third delivery to succeed");
        Assert.Equal([1, 2, 3], recorder.Attempts.Select(m => m.Tries));
        Assert.Equal(3, recorder.Handled[0].Tries);
        Assert.Empty(await channel.DeadLetters.ListAsync());
    }

    [Fact]
    public async Task ExhaustedMessageIsDeadLetteredWithItsErrorAndCanBeRedriven()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IFlakyUserChannel>();
        var healed = false;
        var recorder = await broker.RecordAsync(channel, behaviour: m =>
            m.Data.Username == "poison" && !Volatile.Read(ref healed) ? throw new InvalidOperationException("cannot handle poison") : ValueTask.CompletedTask);

        var poison = await channel.ProduceAsync(new User(1, "poison"));
        await broker.AdvanceUntilAsync(() => recorder.Attempts.Count >= 3, Step, "three deliveries of the poison message");
        var deadLetters = await WaitForDeadLettersAsync(broker, channel, 1);

        var dead = Assert.Single(deadLetters);
        Assert.Equal(poison.MessageId, dead.Id);
        Assert.Equal(new User(1, "poison"), dead.Data);
        Assert.Equal(3, dead.Tries);
        Assert.Contains("cannot handle poison", dead.Error, StringComparison.Ordinal);
        var fetched = await channel.DeadLetters.GetAsync(dead.Id);
        Assert.NotNull(fetched);
        Assert.Equal((dead.Id, dead.Data, dead.Tries, dead.Error), (fetched.Id, fetched.Data, fetched.Tries, fetched.Error));

        // No fourth delivery: a sentinel produced now is handled, the poison is not.
        await channel.ProduceAsync(new User(2, "sentinel"));
        await recorder.WaitForAsync(1);
        Assert.Equal(3, recorder.Attempts.Count(m => m.Data.Username == "poison"));

        Volatile.Write(ref healed, true);
        Assert.True(await channel.DeadLetters.RedriveAsync(dead.Id));
        var handled = await recorder.WaitForAsync(2);
        Assert.Equal("poison", handled[1].Data.Username);
        Assert.Equal(1, handled[1].Tries);
        Assert.Empty(await channel.DeadLetters.ListAsync());
        Assert.False(await channel.DeadLetters.RedriveAsync(dead.Id));
    }

    [Fact]
    public async Task DeadLettersCanBeDeletedAndPaged()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IFlakyUserChannel>();
        await broker.RecordAsync(channel, behaviour: _ => throw new InvalidOperationException("always fails"));

        for (var i = 0; i < 3; i++)
            await channel.ProduceAsync(new User(i, "doomed"));
        var all = await WaitForDeadLettersAsync(broker, channel, 3);

        var firstPage = await channel.DeadLetters.ListAsync(afterId: 0, limit: 2);
        var secondPage = await channel.DeadLetters.ListAsync(afterId: firstPage[^1].Id, limit: 2);
        Assert.Equal(all.Select(d => d.Id), firstPage.Concat(secondPage).Select(d => d.Id));
        Assert.True(await channel.DeadLetters.DeleteAsync(all[0].Id));
        Assert.False(await channel.DeadLetters.DeleteAsync(all[0].Id));
        Assert.Null(await channel.DeadLetters.GetAsync(all[0].Id));
        Assert.Equal(all.Skip(1).Select(d => d.Id), (await channel.DeadLetters.ListAsync()).Select(d => d.Id));
    }

    [Fact]
    public async Task RequestedRetryRedeliversWithoutSpendingTheFailureBudget()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IFlakyUserChannel>();
        var deliveries = new List<int>();
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await broker.ConsumeAsync<User>(channel, (message, _) =>
        {
            lock (deliveries) deliveries.Add(message.Tries);
            // More requested retries than MaxAttempts (3): none of them may dead-letter the message.
            if (message.Tries < 5) message.RetryAfter(TimeSpan.FromMilliseconds(50));
            else done.TrySetResult(message.Tries);
            return ValueTask.CompletedTask;
        });

        await channel.ProduceAsync(new User(1, "patient"));

        await broker.AdvanceUntilAsync(() => done.Task.IsCompleted, TimeSpan.FromMilliseconds(50), "the fifth delivery");
        Assert.Equal(5, await done.Task);
        lock (deliveries) Assert.Equal([1, 2, 3, 4, 5], deliveries);
        Assert.Empty(await channel.DeadLetters.ListAsync());
    }

    private static async Task<IReadOnlyList<DeadLetter<User>>> WaitForDeadLettersAsync(BrokerUnderTest broker, IFlakyUserChannel channel, int count)
    {
        IReadOnlyList<DeadLetter<User>> deadLetters = [];
        await broker.AdvanceUntilAsync(async () =>
        {
            deadLetters = await channel.DeadLetters.ListAsync();
            return deadLetters.Count >= count;
        }, Step, $"{count} dead letters");
        return deadLetters;
    }
}

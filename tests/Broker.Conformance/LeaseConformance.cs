using Broker.Transport;

namespace Broker.Conformance;

/// <summary>
/// Crash redelivery and fencing. A raw transport subscription plays the crashed or hung worker (it never renews and
/// settles late); a normal subscription plays the healthy worker that must get the message.
/// </summary>
public abstract class LeaseConformance(IBrokerFixture fixture)
{
    private TimeSpan ShortLease => fixture.ShortLease;

    [Fact]
    public async Task ACrashedWorkerLosesItsLeasesAtOnce()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var crashed = await broker.Transport.SubscribeAsync(channel.Definition, new SubscriptionSettings(1, TimeSpan.FromMinutes(10)), CancellationToken.None);
        await channel.ProduceAsync(new User(1, "in flight"));
        var taken = await crashed.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);

        // The connection closes without settling (a kill -9): the lease goes at once, not after ten minutes.
        await crashed.DisposeAsync();
        var healthy = await broker.RecordAsync(channel);

        var redelivered = (await healthy.WaitForAsync(1))[0];
        Assert.Equal(taken.Id, redelivered.Id);
        Assert.Equal(2, redelivered.Tries);
    }

    [Fact]
    public async Task AHungWorkerLosesItsLeaseWhenItExpiresAndItsLateAckIsRefused()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var hung = await broker.Transport.SubscribeAsync(channel.Definition, new SubscriptionSettings(1, ShortLease), CancellationToken.None);
        await channel.ProduceAsync(new User(1, "stuck"));
        var stale = await hung.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
        var healthy = await broker.RecordAsync(channel);

        await broker.AdvanceUntilAsync(() => healthy.Handled.Count == 1, ShortLease / 4, "the expired lease to move the message");

        Assert.Equal(stale.Id, healthy.Handled[0].Id);
        Assert.Equal(2, healthy.Handled[0].Tries);
        Assert.Equal(SettleOutcome.LeaseLost, await hung.CompleteAsync(stale, CancellationToken.None));
        Assert.False(await hung.RenewAsync(stale, CancellationToken.None));
        await hung.DisposeAsync();
    }

    [Fact]
    public async Task RenewalKeepsTheLeasePastItsDuration()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var slow = await broker.Transport.SubscribeAsync(channel.Definition, new SubscriptionSettings(1, ShortLease), CancellationToken.None);
        await channel.ProduceAsync(new User(1, "long job"));
        var delivery = await slow.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
        var other = await broker.RecordAsync(channel);

        for (var i = 0; i < 4; i++)
        {
            await broker.AdvanceTimeAsync(ShortLease / 2);
            Assert.True(await slow.RenewAsync(delivery, CancellationToken.None), $"Renewal {i + 1} was refused.");
        }

        // Twice the lease has passed; the message is still ours, and the other worker saw only what came after it.
        await channel.ProduceAsync(new User(2, "sentinel"));
        await other.WaitForAsync(1);
        Assert.Equal("sentinel", other.Handled[0].Data.Username);
        Assert.Equal(SettleOutcome.Completed, await slow.CompleteAsync(delivery, CancellationToken.None));
        await slow.DisposeAsync();
    }

    [Fact]
    public async Task DisposingASubscriptionHandsItsRunningMessageToAnotherWorker()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var started = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopping = await broker.ConsumeAsync<User>(channel, async (message, cancellationToken) =>
        {
            started.TrySetResult(message.Id);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        });
        var id = (await channel.ProduceAsync(new User(1, "handed over"))).MessageId;
        Assert.Equal(id, await started.Task.WaitAsync(Waits.Generous));

        await stopping.DisposeAsync();
        var other = await broker.RecordAsync(channel);

        var handled = (await other.WaitForAsync(1))[0];
        Assert.Equal(id, handled.Id);
        // Stopped by its own side, not failed: the attempt is not counted.
        Assert.Equal(1, handled.Tries);
    }

    [Fact]
    public async Task SettlingTwiceIsRefused()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var worker = await broker.Transport.SubscribeAsync(channel.Definition, new SubscriptionSettings(1, TimeSpan.FromMinutes(1)), CancellationToken.None);
        await channel.ProduceAsync(new User(1, "once"));
        var delivery = await worker.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);

        Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(delivery, CancellationToken.None));
        Assert.Equal(SettleOutcome.LeaseLost, await worker.CompleteAsync(delivery, CancellationToken.None));
        Assert.Equal(SettleOutcome.LeaseLost, await worker.FailAsync(delivery, FailureKind.Transient, "late", CancellationToken.None));
        await worker.DisposeAsync();
    }
}

using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Nats.Tests.Transport;

/// <summary>Settle outcomes, retries, dead letters and client-fenced leases against a real nats-server.</summary>
public sealed class SettleAndLeaseTests(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    // Three attempts, 100 ms then 200 ms backoff.
    private static readonly ChannelDefinition Flaky = new("user/flaky", maxAttempts: 3, retryDelay: TimeSpan.FromMilliseconds(100));
    private static readonly SubscriptionSettings OneAtATime = new(1, TimeSpan.FromSeconds(30));

    [NatsFact]
    public async Task AFailedDeliveryIsRetriedWithTriesCountedThenDeadLetteredWithItsError()
    {
        await using var transport = fixture.CreateTransport();
        var produced = await transport.ProduceAsync(Payloads.Message(Flaky, "poison"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(Flaky, OneAtATime, CancellationToken.None);

        var outcomes = new List<(int Tries, SettleOutcome Outcome)>();
        for (var i = 0; i < 3; i++)
        {
            var delivery = await subscription.NextAsync();
            outcomes.Add((delivery.Tries, await subscription.FailAsync(delivery, FailureKind.Transient, $"failure {delivery.Tries}", CancellationToken.None)));
        }

        Assert.Equal([(1, SettleOutcome.Retrying), (2, SettleOutcome.Retrying), (3, SettleOutcome.DeadLettered)], outcomes);
        var dead = Assert.Single(await transport.ListDeadLettersAsync(Flaky, 0, 10, CancellationToken.None));
        Assert.Equal(produced.MessageId, dead.Id);
        Assert.Equal("poison", dead.Text());
        Assert.Equal(3, dead.Tries);
        Assert.Equal("failure 3", dead.Error);
        Assert.Equal("user/flaky", dead.Channel);
    }

    [NatsFact]
    public async Task APermanentFailureIsDeadLetteredAtOnce()
    {
        await using var transport = fixture.CreateTransport();
        await transport.ProduceAsync(Payloads.Message(Flaky, "undecodable"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(Flaky, OneAtATime, CancellationToken.None);

        var delivery = await subscription.NextAsync();

        Assert.Equal(SettleOutcome.DeadLettered, await subscription.FailAsync(delivery, FailureKind.Permanent, "cannot decode\nline two", CancellationToken.None));
        var dead = Assert.Single(await transport.ListDeadLettersAsync(Flaky, 0, 10, CancellationToken.None));
        Assert.Equal(1, dead.Tries);
        Assert.Equal("cannot decode\nline two", dead.Error);
    }

    [NatsFact]
    public async Task ARedrivenDeadLetterComesBackWithAFreshBudgetAndItsId()
    {
        await using var transport = fixture.CreateTransport();
        var produced = await transport.ProduceAsync(Payloads.Message(Flaky, "poison", priority: 4), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(Flaky, OneAtATime, CancellationToken.None);
        await subscription.FailAsync(await subscription.NextAsync(), FailureKind.Permanent, "bad", CancellationToken.None);

        Assert.True(await transport.RedriveDeadLetterAsync(Flaky, produced.MessageId, CancellationToken.None));
        var again = await subscription.NextAsync();

        Assert.Equal(produced.MessageId, again.Id);
        Assert.Equal(1, again.Tries);
        Assert.Equal(4, again.Priority);
        Assert.Empty(await transport.ListDeadLettersAsync(Flaky, 0, 10, CancellationToken.None));
        Assert.False(await transport.RedriveDeadLetterAsync(Flaky, produced.MessageId, CancellationToken.None));
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(again, CancellationToken.None));
    }

    [NatsFact]
    public async Task DeadLettersArePagedInIdOrderAndCanBeDeleted()
    {
        await using var transport = fixture.CreateTransport();
        await using var subscription = await transport.SubscribeAsync(Flaky, new SubscriptionSettings(3, TimeSpan.FromSeconds(30)), CancellationToken.None);
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
            ids.Add((await transport.ProduceAsync(Payloads.Message(Flaky, $"doomed{i}"), CancellationToken.None)).MessageId);
        // Dead-letter them in reverse order: listing is by id, not by when they died.
        var deliveries = new[] { await subscription.NextAsync(), await subscription.NextAsync(), await subscription.NextAsync() };
        foreach (var delivery in deliveries.Reverse())
            await subscription.FailAsync(delivery, FailureKind.Permanent, "no", CancellationToken.None);

        var firstPage = await transport.ListDeadLettersAsync(Flaky, 0, 2, CancellationToken.None);
        var secondPage = await transport.ListDeadLettersAsync(Flaky, firstPage[^1].Id, 2, CancellationToken.None);

        Assert.Equal(ids, firstPage.Concat(secondPage).Select(d => d.Id));
        Assert.True(await transport.DeleteDeadLetterAsync(Flaky, ids[0], CancellationToken.None));
        Assert.False(await transport.DeleteDeadLetterAsync(Flaky, ids[0], CancellationToken.None));
        Assert.Null(await transport.GetDeadLetterAsync(Flaky, ids[0], CancellationToken.None));
        Assert.Equal("doomed1", (await transport.GetDeadLetterAsync(Flaky, ids[1], CancellationToken.None))!.Text());
        Assert.Equal(ids.Skip(1), (await transport.ListDeadLettersAsync(Flaky, 0, 10, CancellationToken.None)).Select(d => d.Id));
    }

    [NatsFact]
    public async Task RequestedRetriesCountAsTriesButNeverSpendTheFailureBudget()
    {
        await using var transport = fixture.CreateTransport();
        var produced = await transport.ProduceAsync(Payloads.Message(Flaky, "patient"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(Flaky, OneAtATime, CancellationToken.None);

        var tries = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var delivery = await subscription.NextAsync();
            tries.Add(delivery.Tries);
            Assert.Equal(SettleOutcome.Retrying, await subscription.RetryAsync(delivery, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        }
        // Four requested retries on a three-attempt channel; a real failure now still has two attempts left.
        var fifth = await subscription.NextAsync();
        Assert.Equal(SettleOutcome.Retrying, await subscription.FailAsync(fifth, FailureKind.Transient, "first real failure", CancellationToken.None));
        var sixth = await subscription.NextAsync();

        Assert.Equal([1, 2, 3, 4], tries);
        Assert.Equal(5, fifth.Tries);
        Assert.Equal(6, sixth.Tries);
        Assert.Equal(produced.MessageId, sixth.Id);
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(sixth, CancellationToken.None));
        Assert.Empty(await transport.ListDeadLettersAsync(Flaky, 0, 10, CancellationToken.None));
    }

    [NatsFact]
    public async Task AReleasedMessageComesBackWithoutCountingTheAttempt()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/registered");
        var produced = await transport.ProduceAsync(Payloads.Message(channel, "handed back"), CancellationToken.None);
        await using var first = await transport.SubscribeAsync(channel, OneAtATime, CancellationToken.None);
        var delivery = await first.NextAsync();

        Assert.Equal(SettleOutcome.Released, await first.ReleaseAsync(delivery, CancellationToken.None));
        var again = await first.NextAsync();

        Assert.Equal(produced.MessageId, again.Id);
        Assert.Equal(1, again.Tries);
        Assert.Equal(delivery.ProducedAt, again.ProducedAt);
    }

    [NatsFact]
    public async Task DisposingASubscriptionWithoutSettlingHandsItsMessageOverAtOnceAsALostAttempt()
    {
        // A ten-minute ack wait: redelivery within the test's wait proves the NAK on close, not the server's timer.
        await using var transport = fixture.CreateTransport(o => o.AckWait = TimeSpan.FromMinutes(10));
        var channel = new ChannelDefinition("user/registered");
        var crashed = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromMinutes(10)), CancellationToken.None);
        await transport.ProduceAsync(Payloads.Message(channel, "in flight"), CancellationToken.None);
        var taken = await crashed.NextAsync();

        await crashed.DisposeAsync();
        await using var healthy = await transport.SubscribeAsync(channel, OneAtATime, CancellationToken.None);
        var redelivered = await healthy.NextAsync();

        Assert.Equal(taken.Id, redelivered.Id);
        Assert.Equal(2, redelivered.Tries);
        Assert.Equal(SettleOutcome.LeaseLost, await crashed.CompleteAsync(taken, CancellationToken.None));
    }

    [NatsFact]
    public async Task AnExpiredLeaseMovesTheMessageAndTheLateAckIsRefused()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/registered");
        await using var hung = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromSeconds(1)), CancellationToken.None);
        await transport.ProduceAsync(Payloads.Message(channel, "stuck"), CancellationToken.None);
        var stale = await hung.NextAsync();
        await using var healthy = await transport.SubscribeAsync(channel, OneAtATime, CancellationToken.None);

        var moved = await healthy.NextAsync();

        Assert.Equal(stale.Id, moved.Id);
        Assert.Equal(2, moved.Tries);
        Assert.Equal(SettleOutcome.LeaseLost, await hung.CompleteAsync(stale, CancellationToken.None));
        Assert.False(await hung.RenewAsync(stale, CancellationToken.None));
        Assert.Equal(SettleOutcome.Completed, await healthy.CompleteAsync(moved, CancellationToken.None));
    }

    [NatsFact]
    public async Task RenewalKeepsTheLeasePastItsDuration()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/registered");
        // A 3 s lease renewed every second: four renewals outlive the lease, and a loaded two-core machine still has
        // two seconds of slack per renewal (a 1 s lease renewed every 0.5 s failed on CI when a renewal ran late).
        var lease = TimeSpan.FromSeconds(3);
        await using var slow = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, lease), CancellationToken.None);
        await transport.ProduceAsync(Payloads.Message(channel, "long job"), CancellationToken.None);
        var delivery = await slow.NextAsync();
        await using var other = await transport.SubscribeAsync(channel, OneAtATime, CancellationToken.None);

        for (var i = 0; i < 4; i++)
        {
            // The lease passing is the point of the test: real time, a third of a lease at a time.
            await Task.Delay(lease / 3);
            Assert.True(await slow.RenewAsync(delivery, CancellationToken.None), $"Renewal {i + 1} was refused.");
        }
        await transport.ProduceAsync(Payloads.Message(channel, "sentinel"), CancellationToken.None);

        Assert.Equal("sentinel", (await other.NextAsync()).Text());
        Assert.Equal(SettleOutcome.Completed, await slow.CompleteAsync(delivery, CancellationToken.None));
    }

    [NatsFact]
    public async Task ALeaseLongerThanTheAckWaitIsKeptAliveOnTheServer()
    {
        // Ack wait 2 s, lease 30 s: without in-progress acks the server would redeliver after two seconds.
        await using var transport = fixture.CreateTransport(o => o.AckWait = TimeSpan.FromSeconds(2));
        var channel = new ChannelDefinition("user/registered");
        await using var slow = await transport.SubscribeAsync(channel, OneAtATime, CancellationToken.None);
        await transport.ProduceAsync(Payloads.Message(channel, "long job"), CancellationToken.None);
        var delivery = await slow.NextAsync();
        await using var other = await transport.SubscribeAsync(channel, OneAtATime, CancellationToken.None);

        // Real time past the ack wait is the point of the test.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await transport.ProduceAsync(Payloads.Message(channel, "sentinel"), CancellationToken.None);

        Assert.Equal("sentinel", (await other.NextAsync()).Text());
        Assert.Equal(SettleOutcome.Completed, await slow.CompleteAsync(delivery, CancellationToken.None));
    }

    [NatsFact]
    public async Task AProcessWithAShorterAckWaitDoesNotShortenItUnderAProcessStillFencingWithTheLongerOne()
    {
        // A rolling upgrade from the 30 s default: the older process holds a message and fences with 30 s when a newer
        // one (3 s) opens the channel. Had the consumer's ack wait been lowered, the server would give the message to the
        // newer one after 3 s while the older one, alive, still completes it: two completions.
        var older = fixture.Options(o => o.AckWait = TimeSpan.FromSeconds(30));
        await using var first = new NatsQueueTransport(older);
        await using var second = fixture.CreateTransport(o =>
        {
            o.Prefix = older.Prefix;
            o.AckWait = TimeSpan.FromSeconds(3);
        });
        var channel = new ChannelDefinition("user/registered");
        await using var slow = await first.SubscribeAsync(channel, OneAtATime, CancellationToken.None);
        await first.ProduceAsync(Payloads.Message(channel, "long job"), CancellationToken.None);
        var delivery = await slow.NextAsync();
        await using var other = await second.SubscribeAsync(channel, OneAtATime, CancellationToken.None);

        // Real time past the shorter ack wait is the point of the test.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await second.ProduceAsync(Payloads.Message(channel, "sentinel"), CancellationToken.None);

        Assert.Equal("sentinel", (await other.NextAsync()).Text());
        Assert.Equal(SettleOutcome.Completed, await slow.CompleteAsync(delivery, CancellationToken.None));
    }

    [NatsFact]
    public async Task SettlingTwiceIsRefused()
    {
        await using var transport = fixture.CreateTransport();
        var channel = new ChannelDefinition("user/registered");
        await using var worker = await transport.SubscribeAsync(channel, OneAtATime, CancellationToken.None);
        await transport.ProduceAsync(Payloads.Message(channel, "once"), CancellationToken.None);
        var delivery = await worker.NextAsync();

        Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(delivery, CancellationToken.None));
        Assert.Equal(SettleOutcome.LeaseLost, await worker.CompleteAsync(delivery, CancellationToken.None));
        Assert.Equal(SettleOutcome.LeaseLost, await worker.FailAsync(delivery, FailureKind.Transient, "late", CancellationToken.None));
        Assert.False(await worker.RenewAsync(delivery, CancellationToken.None));
    }

    [NatsFact]
    public async Task AMessageWhoseEveryAttemptLostItsLeaseIsDeadLetteredUnhandled()
    {
        await using var transport = fixture.CreateTransport();
        var produced = await transport.ProduceAsync(Payloads.Message(Flaky, "kills its workers"), CancellationToken.None);

        // Three workers each take it and "die" (close without settling): three attempts, all lost.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var worker = await transport.SubscribeAsync(Flaky, OneAtATime, CancellationToken.None);
            var delivery = await worker.NextAsync();
            Assert.Equal(attempt, delivery.Tries);
            await worker.DisposeAsync();
        }
        await using var last = await transport.SubscribeAsync(Flaky, OneAtATime, CancellationToken.None);

        await Waits.UntilAsync(async () => (await transport.ListDeadLettersAsync(Flaky, 0, 10, CancellationToken.None)).Count == 1, "the dead letter");
        var dead = Assert.Single(await transport.ListDeadLettersAsync(Flaky, 0, 10, CancellationToken.None));
        Assert.Equal(produced.MessageId, dead.Id);
        Assert.Equal(3, dead.Tries);
        Assert.Contains("lease was lost", dead.Error, StringComparison.Ordinal);
        Assert.False(last.Deliveries.TryRead(out _));
    }
}

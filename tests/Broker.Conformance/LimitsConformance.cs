using Broker.Transport;

namespace Broker.Conformance;

/// <summary>
/// The limits of <see cref="MessageLimits"/> and <see cref="SubscriptionLimits"/>, asserted on every adapter: what one
/// refuses every other refuses, with the same sentence, and what one accepts at the edge every other accepts.
/// </summary>
public abstract class LimitsConformance(IBrokerFixture fixture)
{
    // The smallest BSON document: its length (5) and the terminating zero.
    private static readonly byte[] s_emptyDocument = [5, 0, 0, 0, 0];

    public static TheoryData<int, double> RefusedSubscriptions => new()
    {
        { 0, 30_000 },
        { -1, 30_000 },
        { 1, 99 },
        { 1, 0 },
        { 1, -1 },
        { 1, TimeSpan.FromHours(12).TotalMilliseconds + 1 },
    };

    [Theory]
    [MemberData(nameof(RefusedSubscriptions))]
    public async Task SubscriptionSettingsOutsideTheLimitsAreRefusedNamingTheChannel(int maxParallel, double leaseMs)
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>().Definition;

        var refused = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await broker.Transport.SubscribeAsync(channel, new SubscriptionSettings(maxParallel, TimeSpan.FromMilliseconds(leaseMs)), CancellationToken.None));

        Assert.Contains("'user/registered'", refused.Message, StringComparison.Ordinal);
        Assert.Contains(maxParallel < 1 ? "MaxParallel" : "between 100 ms and 12 hours", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscriptionsAtTheEdgesOfTheLimitsAreAccepted()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>().Definition;

        await using var shortest = await broker.Transport.SubscribeAsync(channel, new SubscriptionSettings(1, SubscriptionLimits.MinLease), CancellationToken.None);
        await using var longest = await broker.Transport.SubscribeAsync(channel, new SubscriptionSettings(1, SubscriptionLimits.MaxLease), CancellationToken.None);
    }

    [Fact]
    public async Task AMessageOutsideTheLimitsIsRefusedNamingTheChannelAndNothingIsStored()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>().Definition;
        var once = broker.Channel<IExactlyOnceUserChannel>().Definition;

        var empty = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await broker.Transport.ProduceAsync(new ChannelMessage(channel, ReadOnlyMemory<byte>.Empty, null, TimeSpan.Zero, 0), CancellationToken.None));
        var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await broker.Transport.ProduceAsync(new ChannelMessage(channel, s_emptyDocument, null, TimeSpan.FromSeconds(-1), 0), CancellationToken.None));
        var tooLate = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await broker.Transport.ProduceAsync(new ChannelMessage(channel, s_emptyDocument, null, MessageLimits.MaxDelay + TimeSpan.FromDays(1), 0), CancellationToken.None));
        var longWindow = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await broker.Transport.ProduceAsync(new ChannelMessage(once, s_emptyDocument, new Deduplication(1, DedupWindow.Max + TimeSpan.FromDays(1)), TimeSpan.Zero, 0), CancellationToken.None));

        foreach (var refused in new ArgumentException[] { empty, negative, tooLate, longWindow })
            Assert.Contains("channel 'user/registered", refused.Message, StringComparison.Ordinal);
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
        Assert.Contains($"between 0 and {MessageLimits.MaxDelayDays} days", tooLate.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {DedupWindow.MaxDays} days", longWindow.Message, StringComparison.Ordinal);
        Assert.Empty(await broker.Transport.ListDeadLettersAsync(channel, 0, 10, CancellationToken.None));
        await using var subscription = await broker.Transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        var accepted = await broker.Transport.ProduceAsync(new ChannelMessage(channel, s_emptyDocument, null, TimeSpan.Zero, 0), CancellationToken.None);
        // The first message the channel delivers is the one accepted after the refusals: none of them was stored.
        var first = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
        Assert.Equal(accepted.MessageId, first.Id);
    }

    [Fact]
    public async Task MessagesAtTheEdgesOfTheLimitsAreAccepted()
    {
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>().Definition;
        var once = broker.Channel<IExactlyOnceUserChannel>().Definition;

        var delayed = await broker.Transport.ProduceAsync(new ChannelMessage(channel, s_emptyDocument, null, MessageLimits.MaxDelay, 0), CancellationToken.None);
        var windowed = await broker.Transport.ProduceAsync(new ChannelMessage(once, s_emptyDocument, new Deduplication(2, DedupWindow.Max), TimeSpan.Zero, 0), CancellationToken.None);

        Assert.False(delayed.IsDuplicate);
        Assert.False(windowed.IsDuplicate);
    }
}

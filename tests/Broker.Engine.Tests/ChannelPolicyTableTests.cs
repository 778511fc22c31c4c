using Broker.Transport;

namespace Broker.Engine.Tests;

/// <summary>
/// The bound on kept policies, tried as an attacker would: declarations of channels that hold nothing make room for
/// each other, a handle whose declaration was dropped declares it again before it produces, and when every kept policy
/// belongs to a channel the engine holds, a new declaration is refused.
/// </summary>
public sealed class ChannelPolicyTableTests
{
    private static readonly byte[] EmptyDocument = [5, 0, 0, 0, 0];

    [Fact]
    public async Task AHandleWhoseDeclarationWasDroppedDeclaresItAgainBeforeItProduces()
    {
        await using var engine = new QueueEngine(new Storage.MemoryQueueStore(), new QueueEngineOptions { MaxChannels = 1 });
        var transport = new EngineTransport(engine);
        var flaky = new ChannelDefinition("jobs/flaky", maxAttempts: 2);
        var handle = await transport.OpenChannelAsync(flaky, CancellationToken.None);

        // A second channel takes the only place: the first holds nothing, so its policy is dropped.
        await transport.OpenChannelAsync(new ChannelDefinition("jobs/other"), CancellationToken.None);
        Assert.False(engine.IsDeclared(flaky.Name));

        await handle.ProduceAsync(new OutgoingMessage(EmptyDocument, null, TimeSpan.Zero, 0), CancellationToken.None);

        Assert.Equal(flaky, engine.PolicyOf(flaky.Name));
    }

    [Fact]
    public async Task ANewDeclarationIsRefusedWhenEveryKeptPolicyBelongsToAHeldChannel()
    {
        await using var engine = new QueueEngine(new Storage.MemoryQueueStore(), new QueueEngineOptions { MaxChannels = 2 });
        for (var i = 0; i < 2; i++)
        {
            await engine.DeclareAsync(new ChannelDefinition($"jobs/held-{i}"));
            await engine.ProduceAsync($"jobs/held-{i}", new OutgoingMessage(EmptyDocument, null, TimeSpan.Zero, 0));
        }

        var refused = await Assert.ThrowsAsync<ChannelLimitException>(async () => await engine.DeclareAsync(new ChannelDefinition("jobs/new")));

        Assert.Equal("jobs/new", refused.Channel);
        Assert.False(engine.IsDeclared("jobs/new"));
        // A declaration of a channel already kept is no new one: it is taken.
        await engine.DeclareAsync(new ChannelDefinition("jobs/held-0", maxAttempts: 9));
        Assert.Equal(9, engine.PolicyOf("jobs/held-0").MaxAttempts);
    }

    [Fact]
    public async Task TenThousandDeclarationsOfEmptyChannelsKeepNoMoreThanTheBound()
    {
        await using var engine = new QueueEngine(new Storage.MemoryQueueStore(), new QueueEngineOptions { MaxChannels = 100 });

        for (var i = 0; i < 10_000; i++)
            await engine.DeclareAsync(new ChannelDefinition($"flood/c{i}", maxAttempts: 3));

        // The newest is kept; most of the older ones were dropped to make room, never more than the bound kept at once.
        Assert.True(engine.IsDeclared("flood/c9999"));
        Assert.InRange(Enumerable.Range(0, 10_000).Count(i => engine.IsDeclared($"flood/c{i}")), 1, 100);
    }
}

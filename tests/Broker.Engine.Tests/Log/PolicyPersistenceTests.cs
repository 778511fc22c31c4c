using Broker.Conformance;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Broker.Transport;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Log;

/// <summary>
/// A channel's declared policy is kept in the log: it applies after a restart before anyone declares it again, it
/// survives the compaction of the segment that recorded it, and the last declaration wins. A message's headers are kept
/// in the log with it, through compaction and restarts.
/// </summary>
public sealed class PolicyPersistenceTests
{
    private static readonly LogStoreOptions Small = new() { SegmentBytes = 64 * 1024 };

    [Fact]
    public async Task ADeclaredPolicyAndAMessagesHeadersSurviveCompactionAndARestart()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var flaky = new ChannelDefinition("orders", maxAttempts: 2, retryDelay: TimeSpan.FromSeconds(5));
        var idle = new ChannelDefinition("idle", QueueMessageProcessing.ExactlyOnce, TimeSpan.FromMinutes(1), maxAttempts: 7);
        var traffic = Channel("traffic");
        var headers = HeaderCodec.Encode(new Dictionary<string, string> { ["traceparent"] = "00-abc-def-01", ["tenant"] = "acme" }, flaky.Name);
        var store = LogQueueStore.Open("/data", fs, Small, time, null);
        await using (var h = new EngineHarness(store, time, ownsStore: true))
        {
            await h.Engine.DeclareAsync(flaky);
            await h.Engine.DeclareAsync(idle);
            await h.Engine.ProduceAsync(flaky.Name, new OutgoingMessage(Bytes("keep me"), null, TimeSpan.Zero, 0) { Headers = headers });
            var first = store.SegmentFiles[0];
            // Other traffic rolls the log over many segments; compaction deletes the one that recorded the declarations
            // (the live message is copied forward with its headers).
            var worker = await h.Subscribe(traffic, maxParallel: 64);
            for (var round = 0; round < 30; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, 200).Select(i => h.Produce(traffic, $"r{round}-m{i}: some forty bytes of payload")));
                await h.CompleteAll(worker, traffic.Name);
                await store.CompactAsync();
            }
            Assert.DoesNotContain(first, store.SegmentFiles);
        }

        var reopened = LogQueueStore.Open("/data", fs, Small, time, null);
        await using var after = new EngineHarness(reopened, time, ownsStore: true);
        await after.Engine.RecoverAsync();

        Assert.Equal(flaky, after.Engine.PolicyOf(flaky.Name));
        Assert.Equal(idle, after.Engine.PolicyOf(idle.Name));
        Assert.True(after.Engine.IsDeclared(idle.Name));
        // Nobody declared anything since the restart: the recorded policy decides (two attempts, not the default five).
        var subscription = await after.Engine.SubscribeAsync(flaky.Name, new SubscriptionSettings(1, TimeSpan.FromMinutes(1)));
        var delivery = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
        Assert.Equal("keep me", Text(delivery));
        Assert.Equal(headers, delivery.Headers.ToArray());
        Assert.Equal(SettleOutcome.Retrying, await subscription.FailAsync(delivery, FailureKind.Transient, "first", CancellationToken.None));
        after.Advance(TimeSpan.FromSeconds(5));
        var second = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
        Assert.Equal(SettleOutcome.DeadLettered, await subscription.FailAsync(second, FailureKind.Transient, "second", CancellationToken.None));
        var dead = Assert.Single(await after.Engine.ListDeadLettersAsync(flaky.Name, 0, 10));
        Assert.Equal(headers, dead.Headers.ToArray());
    }

    [Fact]
    public async Task TheLastDeclarationWinsAcrossARestartAndAChangeIsLogged()
    {
        var fs = new PowerLossFileSystem();
        var time = new FakeTimeProvider(Start);
        var v1 = new ChannelDefinition("orders", maxAttempts: 3);
        var v2 = new ChannelDefinition("orders", maxAttempts: 9, retryDelay: TimeSpan.FromSeconds(2));
        var log = new ListLoggerFactory();
        await using (var engine = new QueueEngine(LogQueueStore.Open("/data", fs, Small, time, null), timeProvider: time, logger: log.CreateLogger("engine"), ownsStore: true))
        {
            await engine.DeclareAsync(v1);
            await engine.DeclareAsync(v1);
            Assert.DoesNotContain(log.Messages, m => m.Contains("different policy", StringComparison.Ordinal));
            await engine.DeclareAsync(v2);
            Assert.Equal(v2, engine.PolicyOf("orders"));
        }

        Assert.Single(log.Messages, m => m.Contains("Channel 'orders' was declared with a different policy", StringComparison.Ordinal));
        await using var after = new QueueEngine(LogQueueStore.Open("/data", fs, Small, time, null), timeProvider: time, ownsStore: true);
        await after.RecoverAsync();
        Assert.Equal(v2, after.PolicyOf("orders"));
        Assert.False(after.IsDeclared("never-declared"));
        Assert.Equal(new ChannelDefinition("never-declared"), after.PolicyOf("never-declared"));
    }

    [Fact]
    public async Task AClientFlippingAPolicyGetsOneWarningAMinutePerChannelNotOneAChange()
    {
        var time = new FakeTimeProvider(Start);
        var log = new ListLoggerFactory();
        var v1 = new ChannelDefinition("orders", maxAttempts: 1);
        var v2 = new ChannelDefinition("orders", maxAttempts: 2);
        await using var engine = new QueueEngine(new Storage.MemoryQueueStore(), timeProvider: time, logger: log.CreateLogger("engine"));

        for (var i = 0; i < 1000; i++)
            await engine.DeclareAsync(i % 2 == 0 ? v1 : v2);
        var afterFlood = log.Messages.Count(m => m.Contains("different policy", StringComparison.Ordinal));
        time.Advance(TimeSpan.FromMinutes(1));
        await engine.DeclareAsync(v1);

        // The first declaration sets the policy; the 999 changes after it are one warning, and the next one, a minute
        // later, says how many went unreported.
        Assert.Equal(1, afterFlood);
        Assert.Equal(v1, engine.PolicyOf("orders"));
        Assert.Contains(log.Messages, m => m.Contains("998 more change(s) since the last report", StringComparison.Ordinal));
    }
}

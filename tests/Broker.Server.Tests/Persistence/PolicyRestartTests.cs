using Broker.Conformance;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Persistence;

/// <summary>
/// The server keeps each channel's declared policy in its log: after a restart, retries and dead-lettering follow it
/// before any client declares the channel again. Two declarations that disagree: the last one wins, and the server
/// logs the change as a warning.
/// </summary>
public sealed class PolicyRestartTests
{
    private static readonly ChannelDefinition Flaky = new("jobs/flaky", maxAttempts: 2, retryDelay: TimeSpan.FromMilliseconds(100));

    [Fact]
    public async Task ADeclaredPolicyAppliesAfterARestartBeforeAnyClientDeclaresItAgain()
    {
        using var data = new TempDirectory();
        await using (var first = await TestServer.StartAsync(dataDirectory: data.Path))
        {
            await using var client = first.CreateTransport();
            var channel = await client.OpenChannelAsync(Flaky, CancellationToken.None);
            await channel.ProduceAsync(Payloads.Message(Flaky, "fails twice").Message, CancellationToken.None);
        }

        await using var restarted = await TestServer.StartAsync(dataDirectory: data.Path);

        Assert.Equal(Flaky, restarted.Engine.PolicyOf(Flaky.Name));
        // A worker that names the channel without declaring it (as Deepkit's client does): two attempts, not five.
        await using var worker = await restarted.Engine.SubscribeAsync(Flaky.Name, new SubscriptionSettings(1, TimeSpan.FromMinutes(1)));
        var delivery = await worker.Deliveries.ReadAsync().AsTask().WaitAsync(Broker.Conformance.Waits.Generous);
        Assert.Equal(SettleOutcome.Retrying, await worker.FailAsync(delivery, FailureKind.Transient, "first", CancellationToken.None));
        var second = await worker.Deliveries.ReadAsync().AsTask().WaitAsync(Broker.Conformance.Waits.Generous);
        Assert.Equal(SettleOutcome.DeadLettered, await worker.FailAsync(second, FailureKind.Transient, "second", CancellationToken.None));
    }

    [Fact]
    public async Task TheLastDeclarationWinsAndTheChangeIsLogged()
    {
        var log = new ListLoggerFactory();
        var relaxed = new ChannelDefinition(Flaky.Name, maxAttempts: 10);
        await using var server = await TestServer.StartAsync(loggers: log);
        await using var oldVersion = server.CreateTransport();
        await using var newVersion = server.CreateTransport();

        await (await oldVersion.OpenChannelAsync(Flaky, CancellationToken.None)).ProduceAsync(Payloads.Message(Flaky, "a").Message, CancellationToken.None);
        await (await newVersion.OpenChannelAsync(relaxed, CancellationToken.None)).ProduceAsync(Payloads.Message(relaxed, "b").Message, CancellationToken.None);

        Assert.Equal(relaxed, server.Engine.PolicyOf(Flaky.Name));
        Assert.Contains(log.Messages, m => m.Contains("Channel 'jobs/flaky' was declared with a different policy", StringComparison.Ordinal));
    }
}

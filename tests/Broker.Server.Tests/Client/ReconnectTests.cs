using Broker.Client;
using Broker.Conformance;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Waits = Broker.Server.Tests.Infrastructure.Waits;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests.Client;

/// <summary>
/// What the client adapter does when its connection dies: produces in flight are completed exactly once or fail with
/// a clear error, subscriptions come back, and deliveries of the lost connection are refused as lost leases.
/// </summary>
public sealed class ReconnectTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/render");
    private static readonly SubscriptionSettings OneAtATime = new(1, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task ProduceWhoseReplyWasLostIsRetriedWithoutStoringItTwice()
    {
        await using var server = await TestServer.StartAsync();
        await using var proxy = new ChaosProxy(server.Port);
        await using var transport = TestServer.CreateTransport(proxy.Address);
        await transport.ProduceAsync(Payloads.Message(Jobs, "warm-up"), CancellationToken.None);

        proxy.DropReplies = true;
        var produce = transport.ProduceAsync(Payloads.Message(Jobs, "once"), CancellationToken.None).AsTask();
        await Waits.UntilAsync(() => server.Engine.GetStats(Jobs.Name).LastId == 2, "the server to store the message");
        proxy.DropReplies = false;
        proxy.CutAll();
        var result = await produce.WaitAsync(Waits.Generous);

        Assert.Equal(new ProduceResult(ProduceStatus.Enqueued, 2), result);
        Assert.Equal(2, server.Engine.GetStats(Jobs.Name).LastId);
        Assert.Equal(2, server.Engine.GetStats(Jobs.Name).Ready);
    }

    [Fact]
    public async Task SubscriptionComesBackAfterAReconnectAndDeliveriesOfTheLostConnectionAreRefused()
    {
        await using var server = await TestServer.StartAsync();
        await using var proxy = new ChaosProxy(server.Port);
        await using var worker = TestServer.CreateTransport(proxy.Address);
        await using var producer = server.CreateTransport();
        await using var subscription = await worker.SubscribeAsync(Jobs, OneAtATime, CancellationToken.None);
        var produced = await producer.ProduceAsync(Payloads.Message(Jobs, "survivor"), CancellationToken.None);
        var first = await subscription.NextAsync();

        proxy.CutAll();

        Assert.Equal(SettleOutcome.LeaseLost, await subscription.CompleteAsync(first, CancellationToken.None));
        Assert.False(await subscription.RenewAsync(first, CancellationToken.None));
        var again = await subscription.NextAsync();
        Assert.Equal((produced.MessageId, 2), (again.Id, again.Tries));
        Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(again, CancellationToken.None));
        await producer.ProduceAsync(Payloads.Message(Jobs, "later"), CancellationToken.None);
        Assert.Equal("later", (await subscription.NextAsync()).Text());
    }

    [Fact]
    public async Task AtLeastOnceProduceInFlightWhenTheServerRestartedFailsAsOutcomeUnknownAndExactlyOnceIsRetried()
    {
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var proxy = new ChaosProxy(port);
        await using var transport = TestServer.CreateTransport(proxy.Address);
        await transport.ProduceAsync(Payloads.Message(Jobs, "warm-up"), CancellationToken.None);
        var key = new Deduplication(UInt128.MaxValue - 7, TimeSpan.FromMinutes(5));

        proxy.DropReplies = true;
        var atLeastOnce = transport.ProduceAsync(Payloads.Message(Jobs, "maybe"), CancellationToken.None).AsTask();
        var exactlyOnce = transport.ProduceAsync(Payloads.Message(Jobs, "keyed", key), CancellationToken.None).AsTask();
        await Waits.UntilAsync(() => server.Engine.GetStats(Jobs.Name).LastId == 3, "the server to store both");
        await server.DisposeAsync();
        await using var restarted = await TestServer.StartAsync(port: port);
        proxy.DropReplies = false;
        proxy.CutAll();

        var unknown = await Assert.ThrowsAsync<ServerConnectionException>(() => atLeastOnce.WaitAsync(Waits.Generous));
        var retried = await exactlyOnce.WaitAsync(Waits.Generous);
        Assert.True(unknown.OutcomeUnknown);
        Assert.Contains("restarted", unknown.Message, StringComparison.Ordinal);
        // This test's server keeps nothing across a restart, so the keyed message is stored again there.
        Assert.True(retried.IsEnqueued);
        Assert.Equal(1, restarted.Engine.GetStats(Jobs.Name).LastId);
    }

    [Fact]
    public async Task ProduceInFlightWhenTheServerNeverComesBackFailsAsOutcomeUnknown()
    {
        var server = await TestServer.StartAsync();
        await using var proxy = new ChaosProxy(server.Port);
        await using var transport = TestServer.CreateTransport(proxy.Address, o => o.ReconnectWait = TimeSpan.FromSeconds(1));
        await transport.ProduceAsync(Payloads.Message(Jobs, "warm-up"), CancellationToken.None);

        proxy.DropReplies = true;
        var produce = transport.ProduceAsync(Payloads.Message(Jobs, "maybe"), CancellationToken.None).AsTask();
        await Waits.UntilAsync(() => server.Engine.GetStats(Jobs.Name).LastId == 2, "the server to store the message");
        await server.DisposeAsync();
        proxy.CutAll();

        var unknown = await Assert.ThrowsAsync<ServerConnectionException>(() => produce.WaitAsync(Waits.Generous));
        Assert.True(unknown.OutcomeUnknown);
        Assert.Contains("in flight", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExactlyOnceProduceInFlightAcrossARestartOnTheSameDataIsAnsweredWithTheStoredMessage()
    {
        using var data = new TempDirectory();
        var server = await TestServer.StartAsync(o => o with { DataDirectory = data.Path });
        var port = server.Port;
        await using var proxy = new ChaosProxy(port);
        await using var transport = TestServer.CreateTransport(proxy.Address);
        await transport.ProduceAsync(Payloads.Message(Jobs, "warm-up"), CancellationToken.None);
        var key = new Deduplication(UInt128.MaxValue - 11, TimeSpan.FromMinutes(5));

        proxy.DropReplies = true;
        var produce = transport.ProduceAsync(Payloads.Message(Jobs, "keyed", key), CancellationToken.None).AsTask();
        await Waits.UntilAsync(() => server.Engine.GetStats(Jobs.Name).LastId == 2, "the server to store the message");
        await server.DisposeAsync();
        await using var restarted = await TestServer.StartAsync(o => o with { DataDirectory = data.Path }, port: port);
        proxy.DropReplies = false;
        proxy.CutAll();

        // The retry meets the recovered dedup key: the producer learns the id its message was stored under, and the
        // log holds it once.
        var result = await produce.WaitAsync(Waits.Generous);
        Assert.True(result.IsDuplicate, $"The retry was stored again: {result}.");
        Assert.Equal(2, result.MessageId);
        Assert.Equal(2, restarted.Engine.GetStats(Jobs.Name).LastId);
        Assert.Equal(2, restarted.Engine.GetStats(Jobs.Name).Ready);
    }

    [Fact]
    public async Task ProducesOlderThanWhatTheSessionRemembersFailAsOutcomeUnknownAndTheRestAreNotStoredTwice()
    {
        await using var server = await TestServer.StartAsync();
        await using var proxy = new ChaosProxy(server.Port);
        await using var transport = TestServer.CreateTransport(proxy.Address);
        await transport.ProduceAsync(Payloads.Message(Jobs, "warm-up"), CancellationToken.None);
        const int InFlight = Broker.Server.Sessions.ProducerSession.MaxOutcomes + 16;

        // Every reply is lost, so the client's watermark stays at the first of them and the session must drop the oldest.
        // Often the cut comes while stores are still waiting for their fsync: their replies then meet a closed
        // connection, and the session must keep their outcomes all the same. Before that was fixed, about one run in
        // four stored retries twice; a run does not always hit that moment.
        proxy.DropReplies = true;
        var produces = Enumerable.Range(0, InFlight)
            .Select(i => transport.ProduceAsync(Payloads.Message(Jobs, "m" + i), CancellationToken.None).AsTask())
            .ToArray();
        await Waits.UntilAsync(() => server.Engine.GetStats(Jobs.Name).LastId == InFlight + 1, "the server to store every message");
        proxy.DropReplies = false;
        proxy.CutAll();
        await Task.WhenAll(produces).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Waits.Generous);

        var unknown = produces.Where(p => p.IsFaulted).Select(p => p.Exception!.InnerException).ToList();
        Assert.Equal(16, unknown.Count);
        Assert.All(unknown, e => Assert.True(e is ServerConnectionException { OutcomeUnknown: true }, e?.ToString()));
        Assert.All(produces.Where(p => !p.IsFaulted), p => Assert.True(p.Result.IsEnqueued));
        Assert.Equal(InFlight + 1, server.Engine.GetStats(Jobs.Name).LastId);
    }

    [Fact]
    public async Task OperationsFailWithAClearErrorWhenNoServerAnswers()
    {
        var address = $"127.0.0.1:{FreePorts.Next()}";
        await using var transport = TestServer.CreateTransport(address, o => o.ReconnectWait = TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<ServerConnectionException>(async () =>
            await transport.ProduceAsync(Payloads.Message(Jobs, "nowhere"), CancellationToken.None));

        Assert.Contains(address, error.Message, StringComparison.Ordinal);
        Assert.False(error.OutcomeUnknown);
    }

    [Fact]
    public async Task ChannelOverUseServerRenewsTheLeaseOfALongHandler()
    {
        await using var server = await TestServer.StartAsync();
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseServer(server.Address)).AddChannels();
        await using var provider = services.BuildServiceProvider();
        var channel = provider.GetRequiredService<IUserChannel>();
        var handled = new List<int>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var subscription = await channel.ConsumeAsync(async (message, ct) =>
        {
            lock (handled) handled.Add(message.Tries);
            // Three leases long: only renewals (every third of a lease) keep the message here.
            await Task.Delay(TimeSpan.FromSeconds(4.5), ct);
            done.TrySetResult();
        }, new ConsumeOptions { LeaseDuration = TimeSpan.FromSeconds(1.5) });
        await channel.ProduceAsync(new User(1, "slow"));
        await done.Task.WaitAsync(Waits.Generous);

        await Waits.UntilAsync(() => server.Engine.GetStats("user/registered").Unfinished == 0, "the completion");
        lock (handled) Assert.Equal([1], handled);
    }
}

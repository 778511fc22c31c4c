using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Nats.Tests.Transport;

/// <summary>
/// A handler that ends while nats-server is down: NATS.Net keeps what is sent during a reconnect and sends it once
/// connected, however late, so a completion begun in the outage could reach the restarted server past the lease, when it
/// may already have given the message to another worker. Kills its own server with SIGKILL and starts it again on the
/// same store.
/// </summary>
public sealed class SettleDuringOutageTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "broker-nats-outage-" + Guid.NewGuid().ToString("N"));
    private NatsServerProcess? _server;

    public async Task InitializeAsync()
    {
        if (NatsServerBinary.SkipReason is not null) return;
        _server = await NatsServerProcess.StartAsync(Path.Combine(_directory, "store"));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [NatsFact]
    public async Task ACompletionBegunWhileTheServerIsDownIsNotSentAfterItsLeaseEnded()
    {
        var options = new NatsTransportOptions
        {
            Url = _server!.Url,
            Prefix = NatsFixture.UniquePrefix(),
            PollInterval = TimeSpan.FromMilliseconds(100),
            AckWait = TimeSpan.FromSeconds(3),
        };
        var channel = new ChannelDefinition("jobs/outage");
        await using var transport = new NatsQueueTransport(options);
        await using var worker = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromMinutes(1)), CancellationToken.None);
        var produced = await transport.ProduceAsync(Payloads.Message(channel, "job"), CancellationToken.None);
        var delivery = await worker.NextAsync();

        await _server.KillAsync();
        // The handler ends once the client knows the server is gone (the instant after a kill it may not yet).
        var connection = (await transport.ConnectAsync(CancellationToken.None)).Connection;
        await Waits.UntilAsync(() => Task.FromResult(connection.ConnectionState != NATS.Client.Core.NatsConnectionState.Open), "the client to notice the server is down");
        var completing = worker.CompleteAsync(delivery, CancellationToken.None).AsTask();
        // Real time past the ack wait is the point of the test: the server comes back after the lease ended.
        await Task.Delay(options.AckWait + TimeSpan.FromSeconds(1));
        await _server.StartAsync();

        Assert.Equal(SettleOutcome.LeaseLost, await completing.WaitAsync(Waits.Generous));
        // Nothing was sent: the message is still there, for its second delivery (the refusal gave the credit back).
        var again = await worker.NextAsync();
        Assert.Equal((produced.MessageId, 2), (again.Id, again.Tries));
        Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(again, CancellationToken.None));
    }
}

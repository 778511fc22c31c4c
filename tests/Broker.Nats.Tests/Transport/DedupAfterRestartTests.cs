using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.Tests.Transport;

/// <summary>
/// JetStream rebuilds its duplicate window after a restart only from messages still stored, and a work-queue stream has
/// already removed the consumed ones. The first test shows that gap on the real server; the second shows the adapter's
/// dedup ledger closing it. Each test kills its own server with SIGKILL and starts it again on the same store.
/// </summary>
public sealed class DedupAfterRestartTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "broker-nats-restart-" + Guid.NewGuid().ToString("N"));
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
    public async Task JetStreamAloneForgetsTheKeyOfAConsumedMessageWhenTheServerRestarts()
    {
        const string stream = "GAP";
        await using (var connection = new NatsConnection(new NatsOpts { Url = _server!.Url }))
        {
            var js = new NatsJSContext(connection);
            await js.CreateStreamAsync(new StreamConfig(stream, ["gap.>"]) { Retention = StreamConfigRetention.Workqueue, DuplicateWindow = TimeSpan.FromMinutes(5) });
            var first = await js.PublishAsync("gap.x", Payloads.Of("peter"), opts: new NatsJSPubOpts { MsgId = "key-1" });
            var repeat = await js.PublishAsync("gap.x", Payloads.Of("peter"), opts: new NatsJSPubOpts { MsgId = "key-1" });
            Assert.False(first.Duplicate);
            Assert.True(repeat.Duplicate);
            var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("c") { DurableName = "c", AckPolicy = ConsumerConfigAckPolicy.Explicit });
            var message = await consumer.NextAsync<ReadOnlyMemory<byte>>() ?? throw new InvalidOperationException("No message.");
            await message.AckAsync(new AckOpts { DoubleAck = true });
        }

        await _server.KillAsync();
        await _server.StartAsync();

        await using (var connection = new NatsConnection(new NatsOpts { Url = _server.Url }))
        {
            var js = new NatsJSContext(connection);
            var afterRestart = await PublishWhenReadyAsync(js, "gap.x", "key-1");
            // Well inside the five-minute window, yet accepted again: the gap the adapter has to close.
            Assert.False(afterRestart.Duplicate);
        }
    }

    [NatsFact]
    public async Task TheAdapterStillDropsTheRepeatOfAConsumedMessageAfterTheServerRestarts()
    {
        var options = new NatsTransportOptions { Url = _server!.Url, Prefix = NatsFixture.UniquePrefix(), PollInterval = TimeSpan.FromMilliseconds(100) };
        var channel = new ChannelDefinition("user/once", QueueMessageProcessing.ExactlyOnce);
        ProduceResult first;
        await using (var transport = new NatsQueueTransport(options))
        {
            first = await transport.ProduceAsync(Payloads.Message(channel, "peter"), CancellationToken.None);
            await using var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
            var delivery = await subscription.NextAsync();
            Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, CancellationToken.None));
        }

        await _server.KillAsync();
        await _server.StartAsync();

        await using (var transport = new NatsQueueTransport(options))
        {
            var repeat = await transport.ProduceAsync(Payloads.Message(channel, "peter"), CancellationToken.None);
            var other = await transport.ProduceAsync(Payloads.Message(channel, "paul"), CancellationToken.None);

            Assert.Equal(ProduceStatus.Duplicate, repeat.Status);
            Assert.Equal(first.MessageId, repeat.MessageId);
            Assert.Equal(ProduceStatus.Enqueued, other.Status);
        }
    }

    private static async Task<PubAckResponse> PublishWhenReadyAsync(NatsJSContext js, string subject, string msgId)
    {
        // Right after a restart JetStream may answer "no responders" until it has recovered its streams.
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await js.PublishAsync(subject, Payloads.Of("peter"), opts: new NatsJSPubOpts { MsgId = msgId });
            }
            catch (NatsJSPublishNoResponseException) when (started.Elapsed < Waits.Generous)
            {
                await Task.Delay(100);
            }
        }
    }
}

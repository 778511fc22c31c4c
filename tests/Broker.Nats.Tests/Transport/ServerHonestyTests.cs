using Broker.Conformance;
using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Broker.Nats.Tests.Transport;

/// <summary>What the adapter asks of the server is what the server stored: 2.9 drops fields it does not know silently.</summary>
public sealed class ServerHonestyTests(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    [NatsFact]
    public async Task TheTransportReadsTheServersVersionAtStartUp()
    {
        await using var transport = fixture.CreateTransport();
        await transport.ConnectAsync(CancellationToken.None);

        Assert.NotNull(transport.Server);
        Assert.True(transport.Server.Version >= new Version(2, 9, 0));
        Assert.True(transport.Server.JetStream);
    }

    [NatsFact]
    public async Task ConnectingWarnsThatAcknowledgedMessagesAreNotSyncedAtOnce()
    {
        var logs = new ListLoggerFactory();
        await using var transport = new NatsQueueTransport(fixture.Options(), logs);
        await transport.ConnectAsync(CancellationToken.None);

        // Debian's 2.9 fsyncs every two minutes whatever it is told; 2.10+ only when configured, which a client cannot see.
        var expected = transport.Server!.CanSyncAlways ? "unless its configuration sets 'sync_interval: always'" : "fsyncs JetStream files only every two minutes";
        Assert.True(logs.Contains(expected), string.Join(Environment.NewLine, logs.Messages));
    }

    [NatsFact]
    public async Task StreamsAndConsumersAreStoredAsRequested()
    {
        var options = fixture.Options(o => o.AckWait = TimeSpan.FromSeconds(7));
        await using var transport = new NatsQueueTransport(options);
        var channel = new ChannelDefinition("user/once", QueueMessageProcessing.ExactlyOnce, TimeSpan.FromMinutes(10));
        await transport.ProduceAsync(Payloads.Message(channel, "peter", priority: 2), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        await subscription.NextAsync();

        await using var connection = new NatsConnection(new NatsOpts { Url = options.Url });
        var js = new NatsJSContext(connection);
        var work = await js.GetStreamAsync(options.Prefix + "_Q_user~once");
        var consumer = await js.GetConsumerAsync(options.Prefix + "_Q_user~once", "p2");

        Assert.Equal(NATS.Client.JetStream.Models.StreamConfigRetention.Workqueue, work.Info.Config.Retention);
        Assert.Equal(NATS.Client.JetStream.Models.StreamConfigStorage.File, work.Info.Config.Storage);
        Assert.Equal(TimeSpan.FromMinutes(10), work.Info.Config.DuplicateWindow);
        Assert.Equal(options.Prefix.ToLowerInvariant() + ".q.2.user.once", consumer.Info.Config.FilterSubject);
        Assert.True(consumer.Info.Config.FilterSubjects is null || consumer.Info.Config.FilterSubjects.Count == 0);
        Assert.Equal(TimeSpan.FromSeconds(7), consumer.Info.Config.AckWait);
        Assert.Equal(-1, consumer.Info.Config.MaxDeliver);
    }
}

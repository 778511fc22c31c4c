using Broker.Bson;
using Broker.Protocol;
using Broker.Server.Configuration;
using Broker.Server.Security;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Security;

/// <summary>Connection limit, slow consumers, and TLS.</summary>
public sealed class LimitsTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/render");

    [Fact]
    public async Task ConnectionsPastTheLimitAreRefusedWhenEveryConnectionIsAdmitted()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxConnections = 2 });
        await using var first = await RawConnection.OpenAsync(server.Port);
        await using var second = await RawConnection.OpenAsync(server.Port);
        // Both are admitted (they sent a request); a connection still pending would be closed to make room instead.
        await first.SendAsync(IdleConnectionTests.Hello(1));
        await second.SendAsync(IdleConnectionTests.Hello(1));
        Assert.Equal(MessageType.Welcome, (await first.ReceiveAsync()).Type);
        Assert.Equal(MessageType.Welcome, (await second.ReceiveAsync()).Type);
        await Waits.UntilAsync(() => server.Server.ConnectionCount == 2, "two connections to be served");

        await using var third = await RawConnection.OpenAsync(server.Port);

        var error = await third.ReceiveAsync();
        Assert.Equal((MessageType.Error, ErrorCodes.TooManyConnections), (error.Type, error.ErrorCode));
        Assert.True(await third.WaitForCloseAsync());
        await first.SendAsync(FrameBuilder.Produce(2, Jobs.Name, Payloads.Document("still served")));
        Assert.Equal(MessageType.Produced, (await first.ReceiveAsync()).Type);
    }

    [Fact]
    public async Task SlowConsumerGetsBackPressureThenIsDisconnectedAndItsLeasesGoBack()
    {
        const int messages = 300;
        var log = new ListLoggerFactory();
        await using var server = await TestServer.StartAsync(
            o => o with { MaxMessageBytes = 32 * 1024, MaxFrameBytes = 52 * 1024, MaxOutboundBytes = 64 * 1024, WriteTimeout = TimeSpan.FromMilliseconds(500) },
            loggers: log);
        await using var producer = server.CreateTransport();
        var payload = new string('x', 20_000);
        await Task.WhenAll(Enumerable.Range(0, messages).Select(_ => producer.ProduceAsync(Payloads.Message(Jobs, payload), CancellationToken.None).AsTask()));
        // A consumer that asks for everything and never reads its socket.
        await using var slow = await RawConnection.OpenAsync(server.Port, receiveBufferSize: 4096);

        await slow.SendAsync(FrameBuilder.Frame(1, MessageType.Subscribe, (ref BsonWriter w) =>
        {
            w.WriteString("c"u8, Jobs.Name);
            w.WriteInt32("s"u8, 1);
            w.WriteInt32("m"u8, messages);
            w.WriteInt64("l"u8, 600_000);
        }));

        await Waits.UntilAsync(() => log.Contains("slow consumer"), "the server to close the connection as a slow consumer");
        await Waits.UntilAsync(() => server.Engine.GetStats(Jobs.Name).Subscriptions == 0, "the slow consumer's subscription to close");
        var stats = server.Engine.GetStats(Jobs.Name);
        Assert.Equal(0, stats.Leased);
        Assert.Equal(messages, stats.Unfinished);
        // The producer is untouched.
        await Waits.UntilAsync(() => server.Server.ConnectionCount == 1, "only the producer's connection to remain");
        Assert.True((await producer.ProduceAsync(Payloads.Message(Jobs, "after"), CancellationToken.None)).IsEnqueued);
    }

    [Fact]
    public async Task TlsServerServesATlsClient()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" }, certificate: TestCertificates.Localhost);
        await using var transport = server.CreateTransport(o =>
        {
            o.Token = "s3cret";
            o.Tls = TestCertificates.TrustLocalhost();
        });

        var produced = await transport.ProduceAsync(Payloads.Message(Jobs, "encrypted"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(Jobs, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);

        Assert.Equal("encrypted", (await subscription.NextAsync()).Text());
        Assert.True(produced.IsEnqueued);
    }

    [Fact]
    public void PemCertificateAndKeyFilesLoad()
    {
        using var directory = new TempDirectory();
        var (certificate, key) = TestCertificates.WritePem(directory.Path);
        var options = new BrokerServerOptions { DataDirectory = directory.Path, TlsCertificate = certificate, TlsKey = key };

        using var loaded = TlsCertificates.Load(options);

        Assert.NotNull(loaded);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(TestCertificates.Localhost.Thumbprint, loaded.Thumbprint);
    }
}

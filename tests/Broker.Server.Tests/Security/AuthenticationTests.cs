using System.Diagnostics;
using Broker.Bson;
using Broker.Client;
using Broker.Protocol;
using Broker.Server.Configuration;
using Broker.Server.Security;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Security;

/// <summary>Without credentials the server stays on loopback; with them, nothing is served before authentication.</summary>
public sealed class AuthenticationTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/render");

    [Fact]
    public void NonLoopbackBindWithoutCredentialsIsRefused()
    {
        var open = new BrokerServerOptions { DataDirectory = "/tmp/x", Listen = ListenEndpoint.Parse("0.0.0.0:8811") };
        var withToken = new BrokerServerOptions { DataDirectory = "/tmp/x", Listen = ListenEndpoint.Parse("0.0.0.0:8811"), Token = "t" };
        var loopback = new BrokerServerOptions { DataDirectory = "/tmp/x", Listen = ListenEndpoint.Parse("[::1]:8811") };

        Assert.Contains("loopback", open.Validate(), StringComparison.Ordinal);
        Assert.Null(withToken.Validate());
        Assert.Null(loopback.Validate());
    }

    [Fact]
    public async Task RequestBeforeAuthenticationIsRefusedAndNothingIsStored()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" });
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(FrameBuilder.DeepkitPublish(1, Jobs.Name, Payloads.Document("sneaky")));

        var error = await client.ReceiveAsync();
        Assert.Equal((MessageType.Error, 1u, ErrorCodes.Unauthenticated), (error.Type, error.Id, error.ErrorCode));
        Assert.True(await client.WaitForCloseAsync());
        Assert.Equal(0, server.Engine.GetStats(Jobs.Name).LastId);
    }

    [Fact]
    public async Task ClientThatDoesNotAuthenticateInTimeIsDisconnected()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret", AuthTimeout = TimeSpan.FromMilliseconds(300) });
        await using var client = await RawConnection.OpenAsync(server.Port);
        var connected = Stopwatch.StartNew();

        var error = await client.ReceiveAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((MessageType.Error, ErrorCodes.Unauthenticated), (error.Type, error.ErrorCode));
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange(connected.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ClientWithTheTokenIsServed()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" });
        await using var transport = server.CreateTransport(o => o.Token = "s3cret");

        Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, "allowed"), CancellationToken.None)).IsEnqueued);
    }

    [Fact]
    public async Task UserWithAPasswordHashIsServedAlsoAsADeepkitToken()
    {
        await using var server = await TestServer.StartAsync(o => o with { User = "app", PasswordHash = PasswordHash.Create("correct horse") });
        await using var transport = server.CreateTransport(o =>
        {
            o.User = "app";
            o.Password = "correct horse";
        });
        await using var deepkit = await RawConnection.OpenAsync(server.Port);

        var produced = await transport.ProduceAsync(Payloads.Message(Jobs, "allowed"), CancellationToken.None);
        await deepkit.SendAsync(FrameBuilder.Frame(2, MessageType.Authenticate, (ref BsonWriter w) => w.WriteString("token"u8, "app:correct horse")));
        var answer = await deepkit.ReceiveAsync();

        Assert.True(produced.IsEnqueued);
        Assert.Equal((MessageType.AuthenticateResponse, "app"), (answer.Type, answer.Text("username")));
    }

    [Fact]
    public async Task WrongCredentialsFailFastWithTheServersReason()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" });
        await using var transport = server.CreateTransport(o => o.Token = "guess");
        var started = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<BrokerServerException>(async () =>
            await transport.ProduceAsync(Payloads.Message(Jobs, "refused"), CancellationToken.None));

        Assert.Equal(ErrorCodes.AuthenticationFailed, error.Code);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"Failed after {started.Elapsed}; it should not wait out the reconnect time.");
        Assert.Equal(0, server.Engine.GetStats(Jobs.Name).LastId);
    }

    [Fact]
    public void PasswordHashVerifiesOnlyItsPassword()
    {
        var hash = PasswordHash.Parse(PasswordHash.Create("correct horse"));

        Assert.True(hash.Verify("correct horse"));
        Assert.False(hash.Verify("correct horse "));
        Assert.Throws<FormatException>(() => PasswordHash.Parse("sha1$1$x$y"));
    }
}

using Broker.Client;
using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Server.Tests.Security;
using Broker.Transport;

namespace Broker.Server.Tests.Metrics;

/// <summary>The server's instruments on the Broker.Server meter, counted exactly, and gone with the server.</summary>
public sealed class ServerMetricsTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/metrics");

    [Fact]
    public async Task ConnectionsAndRefusedRequestsAreCountedByErrorType()
    {
        await using var server = await TestServer.StartAsync();
        using var recorder = new MeterRecorder(server.Server.Metrics.Meter);
        await using var client = await RawConnection.OpenAsync(server.Port);
        await client.SendAsync(IdleConnectionTests.Hello(1));
        Assert.Equal(MessageType.Welcome, (await client.ReceiveAsync()).Type);

        await client.SendAsync(FrameBuilder.Produce(2, "not a valid channel name!", Payloads.Document("refused")));
        var error = await client.ReceiveAsync();

        Assert.Equal((MessageType.Error, ErrorCodes.InvalidRequest), (error.Type, error.ErrorCode));
        Assert.Equal(1, recorder.Sum("broker.server.errors", ErrorCodes.InvalidRequest));
        Assert.Equal(1, recorder.Sum("broker.server.connections.accepted"));
        Assert.Equal(1, recorder.Observe("broker.server.connections"));
        Assert.Equal(0, recorder.Sum("broker.server.authentication.failures", ErrorCodes.AuthenticationFailed));
    }

    [Fact]
    public async Task WrongCredentialsAreCountedAsAuthenticationFailures()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" });
        using var recorder = new MeterRecorder(server.Server.Metrics.Meter);
        await using var transport = server.CreateTransport(o => o.Token = "guess");

        var refused = await Assert.ThrowsAsync<BrokerServerException>(async () =>
            await transport.ProduceAsync(Payloads.Message(Jobs, "refused"), CancellationToken.None));

        Assert.Equal(ErrorCodes.AuthenticationFailed, refused.Code);
        Assert.Equal(1, recorder.Sum("broker.server.authentication.failures", ErrorCodes.AuthenticationFailed));
        Assert.Equal(1, recorder.Sum("broker.server.errors", ErrorCodes.AuthenticationFailed));
    }

    [Fact]
    public async Task ConnectionsClosedToMakeRoomAndRefusedAtTheLimitAreCounted()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxConnections = 1 });
        using var recorder = new MeterRecorder(server.Server.Metrics.Meter);
        // Pending (it says nothing): closed to make room for the next one.
        await using var idle = await RawConnection.OpenAsync(server.Port);
        await Waits.UntilAsync(() => server.Server.ConnectionCount == 1, "the idle connection to be served");
        await using var admitted = await RawConnection.OpenAsync(server.Port);
        await admitted.SendAsync(IdleConnectionTests.Hello(1));
        Assert.Equal(MessageType.Welcome, (await admitted.ReceiveAsync()).Type);
        Assert.True(await idle.WaitForCloseAsync());

        // Every slot is held by an admitted connection: refused.
        await using var refused = await RawConnection.OpenAsync(server.Port);
        Assert.Equal(ErrorCodes.TooManyConnections, (await refused.ReceiveAsync()).ErrorCode);

        Assert.Equal(2, recorder.Sum("broker.server.connections.accepted"));
        Assert.Equal(1, recorder.Sum("broker.server.connections.evicted"));
        Assert.Equal(1, recorder.Sum("broker.server.connections.refused"));
        await Waits.UntilAsync(() => recorder.Observe("broker.server.connections") == 1, "the gauge to count the one connection left");
    }

    [Fact]
    public async Task StoppingTheServerRemovesItsInstruments()
    {
        var server = await TestServer.StartAsync();
        using var recorder = new MeterRecorder(server.Server.Metrics.Meter);

        await server.DisposeAsync();

        Assert.Contains("broker.server.connections", recorder.Completed);
        Assert.Contains("broker.server.errors", recorder.Completed);
        Assert.Equal(7, recorder.Completed.Count);
        Assert.Equal(0, recorder.Observe("broker.server.connections"));
    }
}

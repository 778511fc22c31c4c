using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Security;

/// <summary>
/// Connections that never authenticate (or, without credentials, never send anything) cannot hold the server's
/// connection slots: they are closed after <c>--auth-timeout</c>, and at <c>--max-connections</c> the oldest of them makes
/// room for a new connection, so a working client always gets in.
/// </summary>
[Collection(Serial.Name)]
public sealed class IdleConnectionTests(ITestOutputHelper output)
{
    // 2,000 client sockets plus up to 1,024 served ones (and the few being closed) in this one process: 'ulimit -n' on
    // the test machines is 20,000, so the full count of the finding fits.
    private const int IdleConnections = 2000;
    private static readonly ChannelDefinition Jobs = new("jobs/render");

    [Fact]
    public async Task TwoThousandIdleConnectionsCannotLockOutARealClientAndCostBoundedMemory()
    {
        var log = new ListLoggerFactory();
        // A long authentication timeout: the idle connections are still held open while the real client works.
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret", AuthTimeout = TimeSpan.FromMinutes(2) }, loggers: log);
        Assert.Equal(1024, server.Options.MaxConnections);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var idle = await OpenIdleAsync(server.Port, IdleConnections);
        try
        {
            await using var transport = server.CreateTransport(o =>
            {
                o.Token = "s3cret";
                o.ReconnectWait = TimeSpan.FromSeconds(20);
            });
            var watch = Stopwatch.StartNew();
            var produced = await transport.ProduceAsync(Payloads.Message(Jobs, "got in"), CancellationToken.None);
            await using var subscription = await transport.SubscribeAsync(Jobs, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
            var delivery = await subscription.NextAsync();
            var served = watch.Elapsed;
            await Waits.UntilAsync(() => server.Server.ConnectionCount <= server.Options.MaxConnections, "the connections made room for to finish closing");
            var during = GC.GetTotalMemory(forceFullCollection: true);
            var stillOpen = idle.Count(s => !s.Poll(0, SelectMode.SelectRead));
            output.WriteLine($"real client served in {served.TotalMilliseconds:0} ms; {stillOpen} idle connections held open; server connections {server.Server.ConnectionCount}; managed memory grew {(during - before) / 1024.0 / 1024.0:0.0} MiB");

            Assert.True(produced.IsEnqueued);
            Assert.Equal("got in", delivery.Text());
            // Every slot but the real client's is still held by an idle connection: nothing was closed early.
            Assert.InRange(stillOpen, server.Options.MaxConnections - 8, server.Options.MaxConnections - 1);
            Assert.InRange(server.Server.ConnectionCount, server.Options.MaxConnections - 8, server.Options.MaxConnections);
            Assert.True(server.Server.OccupiedSlots <= server.Options.MaxConnections, $"{server.Server.OccupiedSlots} slots held, over --max-connections.");
            // About 1,000 pending connections cost their sockets and a few KiB each, not a 64 KiB read buffer each.
            Assert.InRange(during - before, 0, 32L * 1024 * 1024);
            // ~1,000 connections were closed to make room; the log says so in a few lines, not one warning each.
            Assert.InRange(log.Messages.Count(m => m.Contains("to make room", StringComparison.Ordinal)), 1, 5);
        }
        finally
        {
            foreach (var socket in idle) socket.Dispose();
        }
    }

    [Fact]
    public async Task IdleConnectionsAreClosedAfterTheAuthTimeoutWithFewLogLines()
    {
        var log = new ListLoggerFactory();
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret", AuthTimeout = TimeSpan.FromSeconds(1) }, loggers: log);
        var idle = await OpenIdleAsync(server.Port, IdleConnections);
        try
        {
            await Waits.UntilAsync(() => idle.All(s => s.Poll(0, SelectMode.SelectRead)), "every idle connection to be closed by the server", TimeSpan.FromSeconds(60));
            await Waits.UntilAsync(() => server.Server.ConnectionCount == 0, "the server to let go of every idle connection");
            await using var transport = server.CreateTransport(o => o.Token = "s3cret");

            Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, "after the flood"), CancellationToken.None)).IsEnqueued);
            // The warning lines (Debug lines about each connection closing are not counted).
            string[] warningWords = ["failed to authenticate", "failed authentication", "Refused", "to make room"];
            var warnings = log.Messages.Count(m => warningWords.Any(w => m.Contains(w, StringComparison.Ordinal)));
            output.WriteLine($"{warnings} log lines about the {IdleConnections} idle connections");
            Assert.InRange(warnings, 1, 40);
        }
        finally
        {
            foreach (var socket in idle) socket.Dispose();
        }
    }

    [Fact]
    public async Task WithoutCredentialsASilentConnectionIsClosedAfterTheAuthTimeoutAndOneThatSaidHelloIsServed()
    {
        // 2 s, not 1: the talking connection must say hello within it, and a test process starved for a second on a
        // loaded 2-core machine would be closed for its silence before it could.
        await using var server = await TestServer.StartAsync(o => o with { AuthTimeout = TimeSpan.FromSeconds(2) });
        Assert.False(server.Server.Credentials.Required);
        await using var talking = await RawConnection.OpenAsync(server.Port);
        await talking.SendAsync(Hello(1));
        Assert.Equal(MessageType.Welcome, (await talking.ReceiveAsync()).Type);
        await using var silent = await RawConnection.OpenAsync(server.Port);
        var connected = Stopwatch.StartNew();

        var error = await silent.ReceiveAsync(TimeSpan.FromSeconds(20));
        Assert.True(await silent.WaitForCloseAsync());
        var closedAfter = connected.Elapsed;
        // The talking connection opened before the silent one, so it is past its own deadline now: still served.
        await talking.SendAsync(FrameBuilder.Produce(2, Jobs.Name, Payloads.Document("still here")));
        var produced = await talking.ReceiveAsync();

        Assert.Equal((MessageType.Error, 0u, ErrorCodes.Unauthenticated), (error.Type, error.Id, error.ErrorCode));
        Assert.Contains("within 2 s", error.Text("message"), StringComparison.Ordinal);
        Assert.InRange(closedAfter, TimeSpan.FromMilliseconds(1900), TimeSpan.FromSeconds(15));
        Assert.Equal((MessageType.Produced, 2u), (produced.Type, produced.Id));
    }

    [Fact]
    public async Task WithTlsAndNoCredentialsAConnectionThatFinishesTheHandshakeButSendsNothingIsClosed()
    {
        // 3 s: the TLS handshake itself must end within the timeout, and on a loaded machine it can take a second.
        await using var server = await TestServer.StartAsync(o => o with { AuthTimeout = TimeSpan.FromSeconds(3) }, certificate: TestCertificates.Localhost);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(TestCertificates.TrustLocalhost());

        // Everything the server sends until it closes (a TLS close without close_notify may surface as an IOException).
        var received = new MemoryStream();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try
            {
                await tls.CopyToAsync(received, timeout.Token);
            }
            catch (IOException)
            {
            }
        }
        var error = new RawFrame(received.ToArray());

        Assert.Equal((MessageType.Error, ErrorCodes.Unauthenticated), (error.Type, error.ErrorCode));
    }

    [Fact]
    public async Task AtTheLimitTheOldestPendingConnectionMakesRoomAndAdmittedOnesAreKept()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxConnections = 3, AuthTimeout = TimeSpan.FromMinutes(2) });
        await using var admitted = await RawConnection.OpenAsync(server.Port);
        await admitted.SendAsync(Hello(1));
        Assert.Equal(MessageType.Welcome, (await admitted.ReceiveAsync()).Type);
        await using var oldestPending = await RawConnection.OpenAsync(server.Port);
        await Waits.UntilAsync(() => server.Server.ConnectionCount == 2, "the first pending connection to be accepted");
        using var newerPending = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await newerPending.ConnectAsync(IPAddress.Loopback, server.Port);
        await Waits.UntilAsync(() => server.Server.ConnectionCount == 3, "the second pending connection to be accepted");
        await using var transport = server.CreateTransport(o => o.ReconnectWait = TimeSpan.FromSeconds(10));

        var produced = await transport.ProduceAsync(Payloads.Message(Jobs, "made room"), CancellationToken.None);

        Assert.True(produced.IsEnqueued);
        Assert.True(await oldestPending.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "The oldest pending connection was not closed.");
        Assert.False(newerPending.Poll(0, SelectMode.SelectRead), "The newer pending connection was closed instead of (or as well as) the oldest.");
        await admitted.SendAsync(FrameBuilder.Produce(2, Jobs.Name, Payloads.Document("kept")));
        var kept = await admitted.ReceiveAsync();
        Assert.Equal((MessageType.Produced, 2u), (kept.Type, kept.Id));
    }

    [Fact]
    public async Task ConnectionsClosingWhileOthersArriveAtTheLimitNeverLeaveOneTooManyServed()
    {
        // Removals racing accepts at the limit: an earlier "served minus closing" count could read one slot too few
        // between a removal's two steps and admit a connection over --max-connections for good.
        await using var server = await TestServer.StartAsync(o => o with { MaxConnections = 8, AuthTimeout = TimeSpan.FromMinutes(2) });
        var kept = new List<Socket>();
        try
        {
            for (var round = 0; round < 40; round++)
            {
                var batch = await OpenChurningAsync(server.Port, 40);
                // Half hang up at once, so their removals interleave with the accepts of the rest.
                foreach (var socket in batch.Where((_, i) => i % 2 == 0)) socket.Dispose();
                kept.AddRange(batch.Where((_, i) => i % 2 == 1));
            }
            await Waits.UntilAsync(() => server.Server.ConnectionCount <= server.Options.MaxConnections, "the connections made room for to finish closing");
            await Waits.UntilAsync(() => server.Server.OccupiedSlots == server.Server.ConnectionCount, "the slot count to settle");

            Assert.InRange(server.Server.OccupiedSlots, 1, server.Options.MaxConnections);
            await using var transport = server.CreateTransport(o => o.ReconnectWait = TimeSpan.FromSeconds(10));
            Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, "still gets in"), CancellationToken.None)).IsEnqueued);
            Assert.InRange(server.Server.OccupiedSlots, 1, server.Options.MaxConnections);
        }
        finally
        {
            foreach (var socket in kept) socket.Dispose();
        }
    }

    internal static byte[] Hello(uint id)
    {
        using var buffer = new FrameBuffer(256);
        new HelloRequest(HelloRequest.CurrentVersion, UInt128.One + (UInt128)Random.Shared.NextInt64(1, long.MaxValue), "idle-test").Write(buffer, id);
        return buffer.WrittenMemory.ToArray();
    }

    /// <summary>
    /// Opens <paramref name="count"/> plain TCP connections at once at a server at its limit, where the oldest pending
    /// ones are closed to make room at any instant, even before a connect returns (a reset): those are left out.
    /// </summary>
    private static async Task<List<Socket>> OpenChurningAsync(int port, int count)
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Waits.Generous);
                return socket;
            }
            catch (SocketException)
            {
                socket.Dispose();
                return null;
            }
        }));
        return [.. opened.OfType<Socket>()];
    }

    /// <summary>Opens plain TCP connections that send nothing, a hundred at a time (the listen backlog is 512).</summary>
    private static async Task<List<Socket>> OpenIdleAsync(int port, int count)
    {
        var sockets = new List<Socket>(count);
        try
        {
            for (var opened = 0; opened < count; opened += 100)
            {
                var batch = Enumerable.Range(0, Math.Min(100, count - opened)).Select(_ => new Socket(SocketType.Stream, ProtocolType.Tcp)).ToArray();
                sockets.AddRange(batch);
                await Task.WhenAll(batch.Select(s => s.ConnectAsync(IPAddress.Loopback, port))).WaitAsync(Waits.Generous);
            }
            return sockets;
        }
        catch
        {
            foreach (var socket in sockets) socket.Dispose();
            throw;
        }
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Broker.Bson;
using Broker.Protocol;
using Broker.Server.Network;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Security;

/// <summary>
/// On a server with credentials, a connection that has not authenticated may send frames of at most
/// <see cref="ServerConnection.PendingMaxFrameBytes"/>: an Authenticate is tiny, so sockets that never authenticate
/// cannot make the server hold <c>--max-connections</c> frame buffers of <c>--max-frame-bytes</c>. Once authenticated,
/// a connection has the full <c>--max-frame-bytes</c>.
/// </summary>
[Collection(Serial.Name)]
public sealed class PendingFrameLimitTests(ITestOutputHelper output)
{
    private const int Attackers = 256;
    private static readonly ChannelDefinition Jobs = new("jobs/render");

    [Fact]
    public async Task ConnectionsThatNeverAuthenticateCannotMakeTheServerHoldFullSizeFrames()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret", AuthTimeout = TimeSpan.FromMinutes(2) });
        var maxFrame = server.Options.MaxFrameBytes;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var sockets = new List<Socket>(Attackers);
        try
        {
            // Each declares a frame of the full --max-frame-bytes and sends a little of its body, as the finding did.
            var declaring = new byte[FrameHeader.Length + 4096];
            BinaryPrimitives.WriteUInt32LittleEndian(declaring, (uint)maxFrame);
            declaring[4] = FrameHeader.Version;
            declaring[11] = (byte)MessageType.Authenticate;
            for (var opened = 0; opened < Attackers; opened += 64)
            {
                var batch = Enumerable.Range(0, 64).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToArray();
                sockets.AddRange(batch);
                await Task.WhenAll(batch.Select(s => s.ConnectAsync(IPAddress.Loopback, server.Port))).WaitAsync(Waits.Generous);
                await Task.WhenAll(batch.Select(s => s.SendAsync(declaring))).WaitAsync(Waits.Generous);
            }

            // Settled once the server either refused each one or holds a buffer for its frame.
            await Waits.UntilAsync(() => sockets.All(new Settled(server.Server).Holds), "the server to take every declared frame (refuse it, or make room for it)");
            var during = GC.GetTotalMemory(forceFullCollection: true);
            var refused = sockets.Count(s => s.Poll(0, SelectMode.SelectRead));
            output.WriteLine($"{Attackers} connections declared {maxFrame}-byte frames: {refused} refused; managed memory grew {(during - before) / 1024.0 / 1024.0:0.0} MiB");

            Assert.InRange(during - before, long.MinValue, 16L * 1024 * 1024);
            Assert.Equal(Attackers, refused);
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }

        // A client that authenticates gets the full limit: a message of the largest size goes through.
        await using var transport = server.CreateTransport(o => o.Token = "s3cret");
        var largest = Payloads.Document(new string('x', server.Options.MaxMessageBytes - 64));
        Assert.True((await transport.ProduceAsync(new ChannelMessage(Jobs, largest, null, TimeSpan.Zero, 0), CancellationToken.None)).IsEnqueued);
    }

    [Fact]
    public async Task BeforeAuthenticatingAFrameOverTheSmallLimitIsRefusedAndClosesTheConnection()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" });
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(Authenticate(3, "s3cret", ServerConnection.PendingMaxFrameBytes + 1));

        var error = await client.ReceiveAsync();
        Assert.Equal((MessageType.Error, 3u, ErrorCodes.FrameTooLarge), (error.Type, error.Id, error.ErrorCode));
        Assert.Contains($"the limit is {ServerConnection.PendingMaxFrameBytes}", error.Text("message"), StringComparison.Ordinal);
        Assert.Contains("authenticate", error.Text("message"), StringComparison.Ordinal);
        Assert.True(await client.WaitForCloseAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnAuthenticateAtTheSmallLimitIsServedAndAFullSizeFrameRightBehindItIsRead(bool passwordHash)
    {
        // With a password hash the verdict comes from another thread, after the frame behind it has arrived.
        await using var server = await TestServer.StartAsync(o => passwordHash
            ? o with { User = "app", PasswordHash = Broker.Server.Security.PasswordHash.Create("s3cret") }
            : o with { Token = "s3cret" });
        await using var client = await RawConnection.OpenAsync(server.Port);
        // Exactly --max-frame-bytes, its payload over --max-message-bytes: read whole, then refused as a message.
        var full = FrameBuilder.Produce(4, Jobs.Name, new byte[server.Options.MaxFrameBytes - 44]);
        Assert.Equal(server.Options.MaxFrameBytes, full.Length);

        // Pipelined: the full-size frame arrives with the Authenticate, before the server answered it.
        await client.SendAsync([.. Authenticate(3, "s3cret", ServerConnection.PendingMaxFrameBytes, passwordHash ? "app" : null), .. full]);

        var accepted = await client.ReceiveAsync();
        var answer = await client.ReceiveAsync();
        Assert.Equal((MessageType.AuthenticateResponse, 3u), (accepted.Type, accepted.Id));
        Assert.Equal((MessageType.Error, 4u, ErrorCodes.MessageTooLarge), (answer.Type, answer.Id, answer.ErrorCode));
    }

    [Fact]
    public async Task WithoutCredentialsTheFirstFrameMayBeFullSize()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(FrameBuilder.Produce(1, Jobs.Name, Payloads.Document(new string('x', server.Options.MaxMessageBytes - 64))));

        var produced = await client.ReceiveAsync();
        Assert.Equal((MessageType.Produced, 1u), (produced.Type, produced.Id));
    }

    /// <summary>An Authenticate frame of exactly <paramref name="size"/> bytes: the token (or user and password), then padding.</summary>
    private static byte[] Authenticate(uint id, string secret, int size, string? user = null)
    {
        byte[] Build(int padding) => FrameBuilder.Frame(id, MessageType.Authenticate, (ref BsonWriter w) =>
        {
            if (user is null)
            {
                w.WriteString("token"u8, secret);
            }
            else
            {
                w.WriteString("user"u8, user);
                w.WriteString("password"u8, secret);
            }
            w.WriteBinary("pad"u8, new byte[padding]);
        });
        var frame = Build(size - Build(0).Length);
        Assert.Equal(size, frame.Length);
        return frame;
    }

    /// <summary>Whether the server has dealt with a socket's declared frame: refused it, or grown a buffer for it.</summary>
    private sealed class Settled(BrokerServer server)
    {
        private readonly Dictionary<string, int> _buffers = server.Connections.ToDictionary(c => c.Remote, c => c.ReadBufferBytes);

        public bool Holds(Socket socket) =>
            socket.Poll(0, SelectMode.SelectRead)
            || (_buffers.TryGetValue(socket.LocalEndPoint!.ToString()!, out var bytes) && bytes > 64 * 1024);
    }
}

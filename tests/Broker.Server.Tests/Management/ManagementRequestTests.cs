using Broker.Bson;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Management;

/// <summary>
/// The management frames on the wire: refused before authentication, invalid values answered with an Error that says
/// what is wrong (and the connection kept), a broken body closing only its own connection, and pages of large messages
/// that each fit in one frame.
/// </summary>
public sealed class ManagementRequestTests
{
    private static readonly ChannelDefinition Live = new("jobs/live");

    [Fact]
    public async Task AManagementRequestBeforeAuthenticationIsRefusedAndTheConnectionClosed()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" });
        await using var raw = await RawConnection.OpenAsync(server.Port);

        await raw.SendAsync(Frame(7, new ListChannelsRequest(null, 10)));
        var error = await raw.ReceiveAsync();

        Assert.Equal((MessageType.Error, ErrorCodes.Unauthenticated), (error.Type, error.ErrorCode));
        Assert.True(await raw.WaitForCloseAsync());
    }

    [Theory]
    [InlineData("purge")]
    [InlineData("status")]
    [InlineData("peek")]
    public async Task EveryManagementRequestNeedsAuthentication(string request)
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" });
        await server.Engine.ProduceAsync(Live.Name, Payloads.Message(Live, "kept").Message);
        await using var raw = await RawConnection.OpenAsync(server.Port);

        await raw.SendAsync(request switch
        {
            "purge" => Frame(1, new ChannelRequest(MessageType.Purge, Live.Name, 0)),
            "status" => Frame(1, new ServerStatusRequest()),
            _ => Frame(1, new PeekRequest(Live.Name, 0, 10)),
        });

        Assert.Equal(ErrorCodes.Unauthenticated, (await raw.ReceiveAsync()).ErrorCode);
        Assert.True(await raw.WaitForCloseAsync());
        Assert.Equal(1, server.Engine.GetStats(Live.Name).Ready);
    }

    [Fact]
    public async Task InvalidValuesAreAnsweredWithAClearErrorAndTheConnectionGoesOn()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = server.CreateTransport();
        await app.ProduceAsync(Payloads.Message(Live, "kept"), CancellationToken.None);
        await using var raw = await RawConnection.OpenAsync(server.Port);

        var errors = new List<RawFrame>();
        foreach (var frame in new[]
        {
            Frame(1, new PeekRequest(Live.Name, 0, 0)),
            Frame(2, new ListChannelsRequest(null, 0)),
            Frame(3, new PeekRequest(Live.Name, 0, -5)),
            Frame(4, new PeekRequest("", 0, 10)),
            Frame(5, new ChannelRequest(MessageType.Purge, "", 0)),
            Frame(6, new ChannelRequest(MessageType.GetChannel, "jobs/", 0)),
        })
        {
            await raw.SendAsync(frame);
            errors.Add(await raw.ReceiveAsync());
        }
        await raw.SendAsync(Frame(7, new ListChannelsRequest(null, 10)));
        var channels = await raw.ReceiveAsync();

        Assert.All(errors, e => Assert.Equal((MessageType.Error, ErrorCodes.InvalidRequest), (e.Type, e.ErrorCode)));
        Assert.Equal([1u, 2u, 3u, 4u, 5u, 6u], errors.Select(e => e.Id));
        Assert.Equal("The limit must be at least 1, not 0.", errors[0].Text("message"));
        Assert.Equal("The limit must be at least 1, not -5.", errors[2].Text("message"));
        Assert.StartsWith("The channel name is empty", errors[3].Text("message"), StringComparison.Ordinal);
        Assert.StartsWith("The channel name is empty", errors[4].Text("message"), StringComparison.Ordinal);
        Assert.Contains("'jobs/'", errors[5].Text("message"), StringComparison.Ordinal);
        Assert.Equal((MessageType.Channels, 7u), (channels.Type, channels.Id));
        Assert.Equal([Live.Name], ChannelsReply.Read(channels.Body.Span, out _).Rows.Select(r => r.Name));
        Assert.Equal(1, server.Engine.GetStats(Live.Name).Ready);
    }

    [Fact]
    public async Task ATruncatedBodyClosesOnlyItsOwnConnection()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = server.CreateTransport();
        var traffic = LiveTraffic.Start(app, Live);
        await traffic.KeepsGoingAsync();
        await using var raw = await RawConnection.OpenAsync(server.Port);
        await using var other = await RawConnection.OpenAsync(server.Port);
        var whole = Frame(1, new PeekRequest(Live.Name, 0, 10));
        // The body's document says it is 3 bytes longer than what the frame carries.
        var truncated = whole[..^3];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(truncated, (uint)truncated.Length);

        await raw.SendAsync(truncated);
        var error = await raw.ReceiveAsync();

        Assert.Equal((MessageType.Error, ErrorCodes.Malformed, 1u), (error.Type, error.ErrorCode, error.Id));
        Assert.Contains("Peek", error.Text("message"), StringComparison.Ordinal);
        Assert.True(await raw.WaitForCloseAsync());
        await other.SendAsync(Frame(2, new ServerStatusRequest()));
        Assert.Equal(MessageType.Status, (await other.ReceiveAsync()).Type);
        await traffic.KeepsGoingAsync();
        await traffic.StopAsync();
    }

    [Fact]
    public async Task ARequestWithoutItsRequiredFieldIsMalformed()
    {
        await using var server = await TestServer.StartAsync();
        await using var raw = await RawConnection.OpenAsync(server.Port);

        await raw.SendAsync(FrameBuilder.Frame(3, MessageType.ListChannels, (ref BsonWriter w) => w.WriteString("a"u8, "jobs")));
        var error = await raw.ReceiveAsync();

        Assert.Equal((ErrorCodes.Malformed, 3u), (error.ErrorCode, error.Id));
        Assert.Equal("A ListChannels body needs the field 'n'.", error.Text("message"));
        Assert.True(await raw.WaitForCloseAsync());
    }

    [Fact]
    public async Task PeekingMessagesOfOneMebibytePagesWithinTheFrameLimit()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = server.CreateTransport();
        var big = new ChannelDefinition("jobs/big");
        // {t: text} of as close to the message limit as fits.
        var text = new string('x', server.Options.MaxMessageBytes - 32);
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
            ids.Add((await app.ProduceAsync(Payloads.Message(big, text), CancellationToken.None)).MessageId);
        await using var raw = await RawConnection.OpenAsync(server.Port);

        var peeked = new List<long>();
        var pages = 0;
        var more = true;
        while (more)
        {
            await raw.SendAsync(Frame((uint)(pages + 1), new PeekRequest(big.Name, peeked.LastOrDefault(), 10_000)));
            var reply = await raw.ReceiveAsync();
            Assert.Equal(MessageType.Peeked, reply.Type);
            Assert.InRange(reply.Bytes.Length, server.Options.MaxMessageBytes, server.Options.MaxFrameBytes);
            var page = PeekedReply.Read(reply.Body.Span, big.Name, out more);
            Assert.Equal(text.Length, Payloads.Text(Assert.Single(page).Payload).Length);
            peeked.Add(page[0].Id);
            pages++;
        }

        Assert.Equal(ids, peeked);
        Assert.Equal(5, server.Engine.GetStats(big.Name).Ready);
    }

    /// <summary>A request as Broker's client encodes it.</summary>
    internal static byte[] Frame<T>(uint id, T request)
        where T : IRequestFrame
    {
        using var buffer = new FrameBuffer();
        request.Write(buffer, id);
        return buffer.WrittenSpan.ToArray();
    }
}

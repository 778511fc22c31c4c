using System.Buffers.Binary;
using Broker.Bson;
using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Protocol;

/// <summary>
/// A malformed frame closes its connection with an Error frame and nothing else; lengths are checked before anything
/// is allocated for them; request-level refusals (a message over the limit) leave the connection usable.
/// </summary>
public sealed class MalformedFrameTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/render");

    [Fact]
    public async Task FrameDeclaringMoreThanTheLimitIsRefusedWithoutWaitingForItsBody()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);
        var header = FrameBuilder.Frame(1, MessageType.Produce);
        BinaryPrimitives.WriteUInt32LittleEndian(header, 200 * 1024 * 1024);

        await client.SendAsync(header);

        var error = await client.ReceiveAsync();
        Assert.Equal((MessageType.Error, ErrorCodes.FrameTooLarge), (error.Type, error.ErrorCode));
        Assert.True(await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task FrameTooLargeCarriesTheOversizedFramesOwnIdNotThePreviousRequests()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);
        await client.SendAsync(FrameBuilder.Produce(5, Jobs.Name, Payloads.Document("before")));
        var produced = await client.ReceiveAsync();
        Assert.Equal((MessageType.Produced, 5u), (produced.Type, produced.Id));
        var header = FrameBuilder.Frame(9, MessageType.Produce);
        BinaryPrimitives.WriteUInt32LittleEndian(header, 200 * 1024 * 1024);

        await client.SendAsync(header);

        var error = await client.ReceiveAsync();
        Assert.Equal((MessageType.Error, 9u, ErrorCodes.FrameTooLarge), (error.Type, error.Id, error.ErrorCode));
        Assert.True(await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task FrameTooLargeWhoseHeaderDidNotArriveCarriesIdZero()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);
        await client.SendAsync(FrameBuilder.Produce(5, Jobs.Name, Payloads.Document("before")));
        Assert.Equal(MessageType.Produced, (await client.ReceiveAsync()).Type);
        var size = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, 200 * 1024 * 1024);

        // Only the size prefix: the server refuses before the rest of the header (with its id) arrives.
        await client.SendAsync(size);

        var error = await client.ReceiveAsync();
        Assert.Equal((MessageType.Error, 0u, ErrorCodes.FrameTooLarge), (error.Type, error.Id, error.ErrorCode));
        Assert.True(await client.WaitForCloseAsync());
    }

    [Theory]
    [InlineData("size below the header", 5, FrameHeader.Version, 0)]
    [InlineData("version 2", FrameHeader.Length, 2, 0)]
    [InlineData("route type 1 from a client", FrameHeader.Length, FrameHeader.Version, 1)]
    [InlineData("route type 3 (peer)", FrameHeader.Length, FrameHeader.Version, 3)]
    public async Task BadHeaderClosesTheConnectionWithAProtocolError(string what, int size, byte version, byte route)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);
        var frame = FrameBuilder.Frame(1, MessageType.Ack, route: route, version: version);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)size);

        await client.SendAsync(size < FrameHeader.Length ? frame[..size] : frame);

        var error = await client.ReceiveAsync();
        Assert.True(error.Type == MessageType.Error && error.ErrorCode == ErrorCodes.Malformed, $"{what}: got {error.Type} {error.ErrorCode}.");
        Assert.True(await client.WaitForCloseAsync(), $"{what}: the connection stayed open.");
    }

    [Fact]
    public async Task InvalidBodyClosesOnlyItsOwnConnection()
    {
        await using var server = await TestServer.StartAsync();
        await using var healthy = server.CreateTransport();
        await healthy.ProduceAsync(Payloads.Message(Jobs, "before"), CancellationToken.None);
        await using var client = await RawConnection.OpenAsync(server.Port);
        var frame = FrameBuilder.Produce(3, Jobs.Name, Payloads.Document("x"));
        frame[FrameHeader.Length] = 0xFF; // the body's int32 length no longer matches

        await client.SendAsync(frame);

        var error = await client.ReceiveAsync();
        Assert.Equal((MessageType.Error, 3u, ErrorCodes.Malformed), (error.Type, error.Id, error.ErrorCode));
        Assert.True(await client.WaitForCloseAsync());
        var after = await healthy.ProduceAsync(Payloads.Message(Jobs, "after"), CancellationToken.None);
        Assert.True(after.IsEnqueued);
        Assert.Equal(2, server.Engine.GetStats(Jobs.Name).Ready);
    }

    [Fact]
    public async Task RequiredFieldMissingIsMalformed()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(FrameBuilder.Frame(4, MessageType.Produce, (ref BsonWriter w) => w.WriteString("c"u8, Jobs.Name)));

        var error = await client.ReceiveAsync();
        Assert.Equal(ErrorCodes.Malformed, error.ErrorCode);
        Assert.Contains("'v'", error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageOverTheLimitIsRefusedAndTheConnectionStaysUsable()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxMessageBytes = 1024 });
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(FrameBuilder.Produce(1, Jobs.Name, Payloads.Document(new string('x', 2000))));
        var refused = await client.ReceiveAsync();
        await client.SendAsync(FrameBuilder.Produce(2, Jobs.Name, Payloads.Document("small")));
        var stored = await client.ReceiveAsync();

        Assert.Equal((MessageType.Error, 1u, ErrorCodes.MessageTooLarge), (refused.Type, refused.Id, refused.ErrorCode));
        Assert.Equal((MessageType.Produced, 2u), (stored.Type, stored.Id));
        Assert.Equal(1, server.Engine.GetStats(Jobs.Name).Ready);
    }

    [Fact]
    public async Task ClientAdapterRefusesAMessageOverTheServersLimitBeforeSendingIt()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxMessageBytes = 1024 });
        await using var transport = server.CreateTransport();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await transport.ProduceAsync(Payloads.Message(Jobs, new string('x', 2000)), CancellationToken.None));

        Assert.Contains("the limit is 1024 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkStreamDeclaringMoreThanTheFrameLimitIsRefused()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(FrameBuilder.Frame(1, MessageType.Chunk, (ref BsonWriter w) =>
        {
            w.WriteInt32("seq"u8, 0);
            w.WriteInt32("total"u8, 512 * 1024 * 1024);
            w.WriteBinary("v"u8, new byte[64]);
        }));

        var error = await client.ReceiveAsync();
        Assert.Equal((MessageType.Error, ErrorCodes.FrameTooLarge), (error.Type, error.ErrorCode));
        Assert.True(await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task ConnectionClosedInTheMiddleOfAFrameLeavesTheServerServing()
    {
        await using var server = await TestServer.StartAsync();
        await using (var client = await RawConnection.OpenAsync(server.Port))
        {
            var frame = FrameBuilder.Produce(1, Jobs.Name, Payloads.Document("torn"));
            await client.SendAsync(frame[..(frame.Length / 2)]);
            client.EndSending();
            Assert.True(await client.WaitForCloseAsync());
        }
        await using var transport = server.CreateTransport();

        Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, "whole"), CancellationToken.None)).IsEnqueued);
        Assert.Equal(1, server.Engine.GetStats(Jobs.Name).Ready);
    }
}

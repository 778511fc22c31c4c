using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Protocol;

/// <summary>
/// The server replays the byte-exact transcripts of Deepkit 1.0.19's TypeScript client (DeepkitWire/*.hex) and answers
/// what that client needs: the bare Ack, pushes with route type 1, ChunkAck for every chunk, AuthenticateResponse, and
/// Error bodies it can decode.
/// </summary>
public sealed class DeepkitWireTests
{
    private const string Channel = "user/registered";
    private static readonly ChannelDefinition Registered = new(Channel);

    [Theory]
    [InlineData(1e300, 0, 0, "delay")]
    [InlineData(double.PositiveInfinity, 0, 0, "delay")]
    [InlineData(3651.0 * 24 * 3600 * 1000, 0, 0, "3650 days")]
    [InlineData(0, double.NaN, 0, "priority")]
    [InlineData(0, 1e12, 0, "priority")]
    [InlineData(0, 0, 8.0 * 24 * 3600 * 1000, "7 days")]
    public async Task DeepkitPublishOutOfTheNativeLimitsIsRefusedAndNothingIsStored(double delayMs, double priority, double dedupMs, string named)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);

        // ExactlyOnce when a dedup interval is given, so the window is checked.
        await client.SendAsync(FrameBuilder.DeepkitPublish(7, Channel, Payloads.Document("far away"), delayMs, priority, dedupMs, process: dedupMs > 0 ? 0 : 1));

        var reply = await client.ReceiveAsync();
        Assert.Equal((MessageType.Error, 7u, ErrorCodes.InvalidRequest), (reply.Type, reply.Id, reply.ErrorCode));
        Assert.Contains(named, reply.Text("message"), StringComparison.Ordinal);
        Assert.Equal(0, server.Engine.GetStats(Channel).LastId);
        // The connection stays open for the next request.
        await client.SendAsync(FrameBuilder.DeepkitPublish(8, Channel, Payloads.Document("soon"), 1000, 2));
        Assert.Equal(MessageType.Ack, (await client.ReceiveAsync()).Type);
        Assert.Equal(1, server.Engine.GetStats(Channel).Delayed);
    }

    [Fact]
    public async Task DeepkitPublishIsAnsweredWithTheBareAckAndStoredAsSent()
    {
        await using var server = await TestServer.StartAsync();
        var publish = Transcript.Load("b-produce-at-least-once").From(1).Single();
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(publish.Bytes);

        var reply = await client.ReceiveAsync();
        Assert.Equal("0c0000000101000000000000", reply.Hex);
        var stored = await NextStoredAsync(server);
        // {id: 1, username: 'Peter'}, byte for byte.
        Assert.Equal("21000000106964000100000002757365726e616d65000600000050657465720000", Convert.ToHexStringLower(stored.Payload.Span));
    }

    [Fact]
    public async Task DeepkitDelayAndPriorityAreHonoured()
    {
        await using var server = await TestServer.StartAsync();
        var publish = Transcript.Load("b2-produce-delay-priority").From(1).Single();
        await using var client = await RawConnection.OpenAsync(server.Port);
        var sent = Stopwatch.StartNew();

        await client.SendAsync(publish.Bytes);
        await client.ReceiveAsync();

        Assert.Equal(1, server.Engine.GetStats(Channel).Delayed);
        var stored = await NextStoredAsync(server);
        Assert.Equal(5, stored.Priority);
        Assert.True(sent.Elapsed >= TimeSpan.FromMilliseconds(950), $"Delivered {sent.ElapsedMilliseconds} ms after the publish; its delay was 1000 ms.");
    }

    [Fact]
    public async Task DeepkitExactlyOncePublishesDeduplicateAgainstBrokerProducersToo()
    {
        await using var server = await TestServer.StartAsync();
        var frames = Transcript.Load("c-produce-exactly-once");
        await using var client = await RawConnection.OpenAsync(server.Port);

        foreach (var (publish, expected) in frames.From(1).Zip(frames.To(1)))
        {
            await client.SendAsync(publish.Bytes);
            Assert.Equal(expected.Hex, (await client.ReceiveAsync()).Hex);
        }

        // Peter, the repeat of Peter (dropped), Peter with hash 'user-1', and {id: 2} with a double hash.
        Assert.Equal(3, server.Engine.GetStats(Channel).LastId);
        await using var transport = server.CreateTransport();
        var peter = Convert.FromHexString("21000000106964000100000002757365726e616d65000600000050657465720000");
        Assert.Equal(0x14e10ae1u, XxHash32.HashToUInt32(peter));
        var sameBytes = await transport.ProduceAsync(new ChannelMessage(Registered, peter, new Deduplication(XxHash128.HashToUInt128(peter), TimeSpan.FromMinutes(5)), default, 0), CancellationToken.None);
        Assert.Equal(new ProduceResult(ProduceStatus.Duplicate, 1), sameBytes);
    }

    [Fact]
    public async Task DeepkitConsumerGetsPushesAndItsVerdictsSettleThem()
    {
        await using var server = await TestServer.StartAsync();
        var frames = Transcript.Load("d-consume");
        var consumerFrames = frames.From(1).ToList();
        var subscribe = consumerFrames[0];
        var verdicts = consumerFrames.Skip(1).ToList();
        var expectedPushes = frames.To(1).Where(f => f.Bytes[11] == (byte)MessageType.QueueResponseHandleMessage).ToList();
        await using var consumer = await RawConnection.OpenAsync(server.Port);
        await using var producer = await RawConnection.OpenAsync(server.Port);

        await consumer.SendAsync(subscribe.Bytes);
        Assert.Equal("0c0000000101000000000000", (await consumer.ReceiveAsync()).Hex);
        for (var i = 0; i < 4; i++)
        {
            await producer.SendAsync(frames.From(2).ElementAt(i).Bytes);
            Assert.Equal(MessageType.Ack, (await producer.ReceiveAsync()).Type);
            var push = await consumer.ReceiveAsync();
            var expected = new RawFrame(expectedPushes[i].Bytes);
            Assert.Equal((MessageType.QueueResponseHandleMessage, (byte)1), (push.Type, push.Route));
            Assert.Equal(expected.Text("c"), push.Text("c"));
            Assert.Equal(expected.Binary("v"), push.Binary("v"));
            // Deepkit numbers messages from 0, the engine from 1: answer with the id the server pushed.
            var verdict = WithId(verdicts[i].Bytes, (int)push.Number("id")!.Value);
            await consumer.SendAsync(verdict);
            var ack = await consumer.ReceiveAsync();
            Assert.Equal((MessageType.Ack, BinaryPrimitives.ReadUInt32LittleEndian(verdict.AsSpan(5))), (ack.Type, ack.Id));
        }

        // Returned and 'done' completed; the throw and message.delay(5) wait for their redelivery.
        await Waits.UntilAsync(() => server.Engine.GetStats(Channel) is { Leased: 0, Delayed: 2, Ready: 0 }, "two completions and two scheduled redeliveries");
        Assert.Equal(0, server.Engine.GetStats(Channel).DeadLettered);
    }

    [Fact]
    public async Task FirstPushToANewDeepkitSubscriptionComesApartFromItsAck()
    {
        await using var server = await TestServer.StartAsync();
        await using var transport = server.CreateTransport();
        await transport.ProduceAsync(Payloads.Message(Registered, "waiting"), CancellationToken.None);
        var subscribe = Transcript.Load("d-consume").From(1).First();
        await using var consumer = await RawConnection.OpenAsync(server.Port);

        await consumer.SendAsync(subscribe.Bytes);
        await consumer.ReceiveAsync();
        var afterAck = Stopwatch.StartNew();
        var push = await consumer.ReceiveAsync();

        // Deepkit's client drops a push read together with the subscribe Ack.
        Assert.Equal(MessageType.QueueResponseHandleMessage, push.Type);
        Assert.True(afterAck.Elapsed >= TimeSpan.FromMilliseconds(30), $"The first push came {afterAck.Elapsed.TotalMilliseconds:0} ms after the Ack.");
    }

    [Fact]
    public async Task DeepkitUnsubscribeIsAcknowledgedAndStopsPushes()
    {
        await using var server = await TestServer.StartAsync();
        var frames = Transcript.Load("e-unsubscribe");
        var consumerFrames = frames.From(1).ToList();
        await using var consumer = await RawConnection.OpenAsync(server.Port);
        await using var producer = await RawConnection.OpenAsync(server.Port);

        await consumer.SendAsync(consumerFrames[0].Bytes);
        await consumer.ReceiveAsync();
        await consumer.SendAsync(consumerFrames[1].Bytes);

        Assert.Equal("0c0000000102000000000000", (await consumer.ReceiveAsync()).Hex);
        await producer.SendAsync(frames.From(2).First().Bytes);
        await producer.ReceiveAsync();
        Assert.Equal(1, server.Engine.GetStats(Channel).Ready);
    }

    [Fact]
    public async Task DeepkitAuthenticateIsAnsweredOrRefusedWithAnErrorItCanRead()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "good" });
        var frames = Transcript.Load("k-authenticate");
        await using var good = await RawConnection.OpenAsync(server.Port);
        await using var bad = await RawConnection.OpenAsync(server.Port);

        await good.SendAsync(frames.From(1).First().Bytes);
        var welcome = await good.ReceiveAsync();
        await good.SendAsync(frames.From(1).ElementAt(1).Bytes);
        var published = await good.ReceiveAsync();
        await bad.SendAsync(frames.From(2).First().Bytes);
        var refused = await bad.ReceiveAsync();

        Assert.Equal((MessageType.AuthenticateResponse, 2u), (welcome.Type, welcome.Id));
        Assert.NotNull(welcome.Text("username"));
        Assert.Equal("0c0000000101000000000000", published.Hex);
        Assert.Equal((MessageType.Error, 2u), (refused.Type, refused.Id));
        Assert.Equal(("", "", ErrorCodes.AuthenticationFailed), (refused.Text("classType"), refused.Text("stack"), refused.ErrorCode));
        Assert.True(await bad.WaitForCloseAsync());
    }

    [Fact]
    public async Task DeepkitClientWithASecretKeyIsAnsweredByAServerWithoutCredentials()
    {
        await using var server = await TestServer.StartAsync();
        var authenticate = Transcript.Load("a2-connect-secret-key").From(1).Single();
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(authenticate.Bytes);

        Assert.Equal(MessageType.AuthenticateResponse, (await client.ReceiveAsync()).Type);
    }

    [Fact]
    public async Task ChunkedDeepkitPublishIsAcknowledgedChunkByChunkThenStored()
    {
        await using var server = await TestServer.StartAsync();
        var chunks = Transcript.Load("j-large-message").From(2).ToList();
        await using var producer = await RawConnection.OpenAsync(server.Port);

        var replies = new List<string>();
        foreach (var chunk in chunks)
        {
            await producer.SendAsync(chunk.Bytes);
            replies.Add((await producer.ReceiveAsync()).Hex);
        }
        replies.Add((await producer.ReceiveAsync()).Hex);

        Assert.Equal(["0c0000000101000000000003", "0c0000000101000000000003", "0c0000000101000000000000"], replies);
        var stored = await NextStoredAsync(server);
        Assert.True(stored.Payload.Length > 120_000, $"Stored {stored.Payload.Length} bytes.");
    }

    [Fact]
    public async Task UnknownMessageTypeGetsAnErrorDeepkitCanDecodeAndTheConnectionStaysUsable()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(FrameBuilder.Frame(7, (MessageType)104));
        var error = await client.ReceiveAsync();
        await client.SendAsync(Transcript.Load("b-produce-at-least-once").From(1).Single().Bytes);
        var ack = await client.ReceiveAsync();

        Assert.Equal((MessageType.Error, 7u, (byte)0), (error.Type, error.Id, error.Route));
        Assert.Equal([("classType", Bson.BsonType.String), ("message", Bson.BsonType.String), ("stack", Bson.BsonType.String), ("properties", Bson.BsonType.Document)], error.Fields());
        Assert.Equal("", error.Text("classType"));
        Assert.Equal(ErrorCodes.UnknownMessage, error.ErrorCode);
        Assert.Equal("0c0000000101000000000000", ack.Hex);
    }

    private static byte[] WithId(byte[] handled, int id)
    {
        // The transcript's QueueMessageHandled carries "id" as an int32: {c, id, success, error, delay}.
        var frame = (byte[])handled.Clone();
        var marker = Convert.FromHexString("10696400");
        var at = frame.AsSpan().IndexOf(marker);
        Assert.True(at > 0, "The frame has no int32 'id' field.");
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(at + marker.Length), id);
        return frame;
    }

    private static async Task<Delivery> NextStoredAsync(TestServer server)
    {
        await using var subscription = await server.Engine.SubscribeAsync(Registered.Name, new SubscriptionSettings(1, TimeSpan.FromMinutes(1)));
        return await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Waits.Generous);
    }
}

using Broker.Bson;
using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Protocol;

/// <summary>
/// A hostile Produce's ordering key 'o': a key the limits refuse (empty, over 256 bytes of UTF-8, megabytes) is a
/// request-level refusal naming the key, and the connection stays usable; one that is not a string or not UTF-8 is a
/// malformed frame that closes its connection. Either way nothing already accepted is lost, and a NUL inside a key is
/// just a character. The Deepkit publish path has no key and is unaffected.
/// </summary>
public sealed class OrderingKeyFrameTests
{
    private static readonly ChannelDefinition Orders = new("orders/keyed", ordered: true);

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    [InlineData(4 * 1024 * 1024)]
    public async Task AKeyTheLimitsRefuseIsARequestErrorAndTheConnectionGoesOn(int bytes)
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxFrameBytes = 8 * 1024 * 1024 });
        await using var client = await RawConnection.OpenAsync(server.Port);
        await client.SendAsync(Keyed(1, "before", (ref BsonWriter w) => w.WriteString("o"u8, "a")));
        Assert.Equal(MessageType.Produced, (await client.ReceiveAsync()).Type);

        await client.SendAsync(Keyed(2, "bad key", (ref BsonWriter w) => w.WriteString("o"u8, new string('k', bytes))));
        var refused = await client.ReceiveAsync();
        await client.SendAsync(Keyed(3, "after", (ref BsonWriter w) => w.WriteString("o"u8, new string('é', 128))));
        var stored = await client.ReceiveAsync();

        Assert.Equal((MessageType.Error, 2u, ErrorCodes.InvalidRequest), (refused.Type, refused.Id, refused.ErrorCode));
        Assert.Contains("ordering key", refused.Text("message"), StringComparison.Ordinal);
        // Exactly 256 bytes of UTF-8 (128 two-byte characters) is accepted.
        Assert.Equal((MessageType.Produced, 3u), (stored.Type, stored.Id));
        Assert.Equal(2, server.Engine.GetStats(Orders.Name).Ready);
    }

    [Theory]
    [InlineData("not a string")]
    [InlineData("not UTF-8")]
    public async Task AKeyThatIsNotAUtf8StringIsMalformedAndLosesNothingAccepted(string what)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);
        await client.SendAsync(Keyed(1, "before", (ref BsonWriter w) => w.WriteString("o"u8, "a")));
        Assert.Equal(MessageType.Produced, (await client.ReceiveAsync()).Type);

        KeyWriter bad = what == "not a string"
            ? (ref BsonWriter w) => w.WriteInt32("o"u8, 7)
            : (ref BsonWriter w) => w.WriteUtf8String("o"u8, [0x61, 0xC3, 0x28]);
        await client.SendAsync(Keyed(2, "bad key", bad));

        var error = await client.ReceiveAsync();
        Assert.Equal((MessageType.Error, 2u, ErrorCodes.Malformed), (error.Type, error.Id, error.ErrorCode));
        Assert.Contains("'o'", error.Text("message"), StringComparison.Ordinal);
        Assert.True(await client.WaitForCloseAsync());
        Assert.Equal(1, server.Engine.GetStats(Orders.Name).Ready);
    }

    [Fact]
    public async Task ANulInsideAKeyIsJustACharacterOfIt()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);
        await using var transport = server.CreateTransport();
        var subscription = await transport.SubscribeAsync(Orders, new SubscriptionSettings(10, TimeSpan.FromMinutes(1)), CancellationToken.None);

        await client.SendAsync(Keyed(1, "a\0b first", (ref BsonWriter w) => w.WriteString("o"u8, "a\0b")));
        await client.SendAsync(Keyed(2, "a\0b second", (ref BsonWriter w) => w.WriteString("o"u8, "a\0b")));
        await client.SendAsync(Keyed(3, "a", (ref BsonWriter w) => w.WriteString("o"u8, "a")));
        for (var i = 0; i < 3; i++)
            Assert.Equal(MessageType.Produced, (await client.ReceiveAsync()).Type);

        // "a\0b" is one key (its second message waits) and not the key "a" (which goes).
        var first = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Broker.Conformance.Waits.Generous);
        var other = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(Broker.Conformance.Waits.Generous);
        Assert.Equal([1L, 3L], new[] { first.Id, other.Id }.Order());
        Assert.Equal(1, server.Engine.GetStats(Orders.Name).Ready);
    }

    [Fact]
    public async Task ADeepkitPublishHasNoKeyAndGoesBesideTheKeyedMessages()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);
        await client.SendAsync(Keyed(1, "keyed", (ref BsonWriter w) => w.WriteString("o"u8, "a")));
        await client.SendAsync(FrameBuilder.DeepkitPublish(2, Orders.Name, Payloads.Document("deepkit")));

        Assert.Equal(MessageType.Produced, (await client.ReceiveAsync()).Type);
        Assert.Equal(MessageType.Ack, (await client.ReceiveAsync()).Type);
        Assert.Equal(2, server.Engine.GetStats(Orders.Name).Ready);
    }

    private delegate void KeyWriter(ref BsonWriter writer);

    private static byte[] Keyed(uint id, string text, KeyWriter key) =>
        FrameBuilder.Frame(id, MessageType.Produce, (ref BsonWriter w) =>
        {
            w.WriteString("c"u8, Orders.Name);
            w.WriteBinary("v"u8, Payloads.Document(text));
            key(ref w);
        });
}

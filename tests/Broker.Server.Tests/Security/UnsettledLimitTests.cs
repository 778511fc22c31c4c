using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Security;

/// <summary>
/// --max-unsettled: the credit a connection's subscriptions ask for together is bounded (every granted delivery costs
/// lease bookkeeping until it is settled), Deepkit's subscriptions included; a subscribe past it is refused and the
/// connection stays usable.
/// </summary>
public sealed class UnsettledLimitTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/render");

    [Fact]
    public async Task WithTheDefaultsSevenSubscriptionsOfTheLargestCreditAreOneTooMany()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);
        Assert.Equal((65_536, 10_000), (server.Options.MaxUnsettled, server.Options.MaxParallel));

        for (var i = 1; i <= 6; i++)
            await SubscribeAsync(client, (uint)i, i, 10_000, MessageType.Ack);
        var refused = await SubscribeAsync(client, 7, 7, 10_000, MessageType.Error);
        await SubscribeAsync(client, 8, 8, 65_536 - 60_000, MessageType.Ack);

        Assert.Equal(ErrorCodes.LimitReached, refused.ErrorCode);
        Assert.Contains("--max-unsettled (65536)", refused.Text("message"), StringComparison.Ordinal);
        Assert.Equal(7, server.Engine.GetStats(Jobs.Name).Subscriptions);
    }

    [Fact]
    public async Task DeepkitSubscriptionsCountAndCreditComesBackWithAnUnsubscribe()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxParallel = 60, MaxUnsettled = 100 });
        await using var client = await RawConnection.OpenAsync(server.Port);
        await SubscribeAsync(client, 1, 1, 60, MessageType.Ack);

        // Deepkit's credit is clamped to --max-parallel (60), which no longer fits beside the first 60.
        await client.SendAsync(FrameBuilder.DeepkitSubscribe(2, Jobs.Name, 1000));
        var deepkitRefused = await client.ReceiveAsync();
        await client.SendAsync(FrameBuilder.DeepkitSubscribe(3, "jobs/other", 40));
        var deepkitAccepted = await client.ReceiveAsync();
        var fullAgain = await SubscribeAsync(client, 4, 4, 1, MessageType.Error);
        await client.SendAsync(FrameBuilder.Frame(5, MessageType.Unsubscribe, (ref Bson.BsonWriter w) => w.WriteInt32("s"u8, 1)));
        Assert.Equal(MessageType.Ack, (await client.ReceiveAsync()).Type);
        await SubscribeAsync(client, 6, 6, 60, MessageType.Ack);

        Assert.Equal((MessageType.Error, ErrorCodes.LimitReached), (deepkitRefused.Type, deepkitRefused.ErrorCode));
        Assert.Contains("--max-unsettled", deepkitRefused.Text("message"), StringComparison.Ordinal);
        Assert.Equal(MessageType.Ack, deepkitAccepted.Type);
        Assert.Equal(ErrorCodes.LimitReached, fullAgain.ErrorCode);
    }

    private static async Task<RawFrame> SubscribeAsync(RawConnection client, uint id, int subscription, int credit, MessageType expected)
    {
        await client.SendAsync(FrameBuilder.Subscribe(id, Jobs.Name, subscription, credit));
        var reply = await client.ReceiveAsync();
        Assert.True(reply.Type == expected && reply.Id == id, $"Subscribe {subscription} with credit {credit}: expected {expected}, got {reply.Type} {reply.Text("message")}");
        return reply;
    }
}

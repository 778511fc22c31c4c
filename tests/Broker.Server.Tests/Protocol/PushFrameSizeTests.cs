using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Deepkit;
using Broker.Transport;

namespace Broker.Server.Tests.Protocol;

/// <summary>
/// The server reserves room for a push before it reads the payload, from the payload's length alone: the sizes it
/// works out must be the sizes it writes, or the outbound queue's bound is off by the difference.
/// </summary>
public sealed class PushFrameSizeTests
{
    [Theory]
    [InlineData(5, 0)]
    [InlineData(1000, 0)]
    [InlineData(100_000, 0)]
    [InlineData(1024 * 1024, 0)]
    [InlineData(5, 5)]
    [InlineData(1000, 300)]
    [InlineData(1024 * 1024, 16 * 1024)]
    public void ADeliveryFrameIsTheSizeReservedForIt(int payloadLength, int headersLength)
    {
        using var buffer = new FrameBuffer();
        var delivery = new Delivery("jobs/render", long.MaxValue, ReadOnlyMemory<byte>.Empty, 3, DateTimeOffset.UtcNow, -2, 123456789);

        DeliveryPush.Write(buffer, int.MaxValue, delivery, new byte[payloadLength], new byte[headersLength]);

        Assert.Equal(DeliveryPush.FrameSize(payloadLength, headersLength), buffer.WrittenCount);
    }

    [Theory]
    [InlineData("jobs", 7L, 5)]
    [InlineData("jobs", 5_000_000_000L, 5)]
    [InlineData("tâches/rendu-ü", 7L, 100_000)]
    public void ADeepkitPushIsTheSizeReservedForIt(string channel, long id, int payloadLength)
    {
        using var buffer = new FrameBuffer();

        QueueResponseHandleMessage.Write(buffer, channel, id, new byte[payloadLength]);

        Assert.Equal(QueueResponseHandleMessage.FrameSize(channel, id, payloadLength), buffer.WrittenCount);
    }
}

using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Transport;

namespace Broker.Server.Tests.Protocol;

/// <summary>The byte layouts docs/protocol.md shows as examples, pinned so the document cannot drift from the code.</summary>
public sealed class FrameLayoutTests
{
    [Fact]
    public void ProduceFrameIsAsDocumented()
    {
        using var buffer = new FrameBuffer();
        var message = new ChannelMessage(new ChannelDefinition("jobs"), Convert.FromHexString("0c0000001069000700000000"), null, TimeSpan.Zero, 0);

        ProduceRequest.From(message.Channel.Name, message.Message, sequence: 42, watermark: 40).Write(buffer, 5);

        Assert.Equal(
            "4700000001050000000000a3" + "3b000000" + "02630005000000" + "6a6f627300" + "0576000c00000000" + "0c0000001069000700000000"
            + "1271002a00000000000000" + "1277002800000000000000" + "00",
            Convert.ToHexStringLower(buffer.WrittenSpan));
    }

    [Fact]
    public void AnOrderingKeyTravelsAsFieldO()
    {
        using var buffer = new FrameBuffer();
        var message = new ChannelMessage(new ChannelDefinition("jobs", ordered: true), Convert.FromHexString("0500000000"), null, TimeSpan.Zero, 0) { OrderingKey = "cust-7" };

        ProduceRequest.From(message.Channel.Name, message.Message, sequence: 1, watermark: 1).Write(buffer, 5);

        // The last element before the document's end: type 2 (string), "o", length 7, "cust-7\0".
        Assert.EndsWith("026f0007000000" + "637573742d3700" + "00", Convert.ToHexStringLower(buffer.WrittenSpan), StringComparison.Ordinal);
        var read = ProduceRequest.Read(buffer.WrittenSpan[FrameHeader.Length..]);
        Assert.Equal("cust-7", read.OrderingKey);
        buffer.Clear();
        ProduceRequest.From("jobs", new ChannelMessage(new ChannelDefinition("jobs"), Convert.FromHexString("0500000000"), null, TimeSpan.Zero, 0).Message, 1, 1).Write(buffer, 6);
        Assert.Null(ProduceRequest.Read(buffer.WrittenSpan[FrameHeader.Length..]).OrderingKey);
    }

    [Fact]
    public void ProducedReplyIsAsDocumented()
    {
        using var buffer = new FrameBuffer();

        ProducedReply.Write(buffer, 5, new ProduceResult(ProduceStatus.Enqueued, 7));

        Assert.Equal("2300000001050000000000a4" + "17000000" + "107300" + "00000000" + "126900" + "0700000000000000" + "00", Convert.ToHexStringLower(buffer.WrittenSpan));
    }

    [Fact]
    public void AckIsTheBareHeader()
    {
        using var buffer = new FrameBuffer();

        FrameWriter.WriteEmpty(buffer, 1, MessageType.Ack);

        Assert.Equal("0c0000000101000000000000", Convert.ToHexStringLower(buffer.WrittenSpan));
    }
}

using Broker.Management;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Configuration;
using Broker.Server.Tests.Infrastructure;

namespace Broker.Server.Tests.Management;

/// <summary>
/// The management frames' codecs (docs/protocol.md, section 10): every field goes through a write and a read, and the
/// replies that can grow (channels, peeked messages) never take more than one frame, however many rows they are given.
/// </summary>
public sealed class ManagementFrameTests
{
    // The server's default frame limit: the largest message and 64 KiB for everything around it.
    private const int MaxFrameBytes = BrokerServerOptions.DefaultMaxMessageBytes + 64 * 1024;
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_765_000_000_123);

    [Fact]
    public void ChannelsReplyCarriesEveryCount()
    {
        ChannelSummary[] rows =
        [
            new("jobs/a", 1, 2, 3, 4, 5_000_000_000, 6, At.AddMinutes(-5), 7, 8),
            new("jobs/b", 0, 0, 0, 0, 0, 0, null, 0, 0),
        ];
        using var buffer = new FrameBuffer();

        var written = ChannelsReply.Write(buffer, 9, At, rows, MaxFrameBytes);
        var (header, body) = Split(buffer);
        var (takenAt, read) = ChannelsReply.Read(body, out var more);

        Assert.Equal(2, written);
        Assert.Equal((9u, MessageType.Channels), (header.Id, header.Type));
        Assert.Equal(At, takenAt);
        Assert.Equal(rows, read);
        Assert.False(more);
    }

    [Fact]
    public void AHundredThousandChannelsWithTwoHundredByteNamesPageThroughFramesOfAtMostTheLimit()
    {
        // Longer than a channel name may be (128): the reply's budget must hold whatever names it is given.
        var names = Enumerable.Range(0, 100_000).Select(i => $"{i:D6}/" + new string('n', 193)).ToArray();
        Assert.All(names, n => Assert.Equal(200, n.Length));
        var rows = names.Select((n, i) => new ChannelSummary(n, i, 0, 0, 0, i, 0, null, 0, i)).ToArray();
        var listed = new List<ChannelSummary>();
        var pages = 0;
        using var buffer = new FrameBuffer();
        bool more;
        do
        {
            // What a server does with "after the last name, up to 10,000": offer the next 10,000 rows and let the reply
            // keep those that fit.
            var offered = rows.Skip(listed.Count).Take(ServerConnectionLimits.MaxPage).ToArray();
            buffer.Clear();
            ChannelsReply.Write(buffer, 1, At, offered, MaxFrameBytes, more: listed.Count + offered.Length < rows.Length);
            Assert.InRange(buffer.WrittenCount, 1, MaxFrameBytes);
            var (_, page) = ChannelsReply.Read(Split(buffer).Body, out more);
            Assert.NotEmpty(page);
            listed.AddRange(page);
            pages++;
        }
        while (more);

        Assert.Equal(rows, listed);
        // About 330 bytes a row: a frame carries about 3,300 of them.
        Assert.InRange(pages, 100_000 * 328L / MaxFrameBytes, 100_000 * (long)ChannelsReply.RowCost(names[0]) / (MaxFrameBytes - 1024) + 1);
    }

    [Fact]
    public void PeekedReplyCarriesEveryField()
    {
        PeekedMessage[] messages =
        [
            new(5, "jobs", PeekedState.Ready, 0, At, null, 0, Payloads.Document("a")),
            new(6, "jobs", PeekedState.Delayed, 2, At, At.AddSeconds(30), -3, Payloads.Document("b")) { Headers = Broker.Transport.HeaderCodec.Encode(new Dictionary<string, string> { ["k"] = "v" }, "jobs") },
            new(7, "jobs", PeekedState.InFlight, 1, At, null, 9, Payloads.Document("c")),
        ];
        using var buffer = new FrameBuffer();

        PeekedReply.Write(buffer, 3, messages, MaxFrameBytes);
        var read = PeekedReply.Read(Split(buffer).Body, "jobs", out var more);

        Assert.False(more);
        Assert.Equal(messages.Length, read.Count);
        for (var i = 0; i < messages.Length; i++)
        {
            Assert.Equal(messages[i] with { Payload = default }, read[i] with { Payload = default, Headers = messages[i].Headers });
            Assert.Equal(messages[i].Payload.ToArray(), read[i].Payload.ToArray());
            Assert.Equal(messages[i].Headers.ToArray(), read[i].Headers.ToArray());
        }
    }

    [Fact]
    public void PeekedReplyOfMessagesOfOneMebibyteCarriesOneAFrame()
    {
        var payload = new byte[BrokerServerOptions.DefaultMaxMessageBytes];
        var messages = Enumerable.Range(1, 3).Select(i => new PeekedMessage(i, "big", PeekedState.Ready, 0, At, null, 0, payload)).ToArray();
        using var buffer = new FrameBuffer();

        var written = PeekedReply.Write(buffer, 1, messages, MaxFrameBytes);
        PeekedReply.Read(Split(buffer).Body, "big", out var more);

        Assert.Equal(1, written);
        Assert.True(more);
        Assert.InRange(buffer.WrittenCount, payload.Length, MaxFrameBytes);
    }

    [Fact]
    public void StatusReplyCarriesTheServerFiguresAndTheLogs()
    {
        var status = new BrokerStatus(BrokerKind.Server, "127.0.0.1:8811, data /var/lib/broker", false, At, At.AddHours(-1), 12, 3_000_000_000, 42)
        {
            Version = "broker-server 1.2.3",
            Connections = 4,
            Log = new LogStatus(1L << 33, 3, 99, 1.25, 8.5),
        };
        using var buffer = new FrameBuffer();

        StatusReply.Write(buffer, 2, status);

        Assert.Equal(status, StatusReply.Read(Split(buffer).Body));
    }

    [Fact]
    public void StatusReplyWithoutTheOptionalFiguresLeavesThemNull()
    {
        var status = new BrokerStatus(BrokerKind.Embedded, "/data", true, At, At, 0, 0, 0) { ReadOnlyReason = "held by process 12" };
        using var buffer = new FrameBuffer();

        StatusReply.Write(buffer, 2, status);

        Assert.Equal(status, StatusReply.Read(Split(buffer).Body));
    }

    [Fact]
    public void RequestsRoundTrip()
    {
        using var buffer = new FrameBuffer();
        new ListChannelsRequest(null, 10).Write(buffer, 1);
        Assert.Equal(new ListChannelsRequest(null, 10), ListChannelsRequest.Read(Split(buffer).Body));
        buffer.Clear();
        new ListChannelsRequest("jobs/a", 10_000).Write(buffer, 1);
        Assert.Equal(new ListChannelsRequest("jobs/a", 10_000), ListChannelsRequest.Read(Split(buffer).Body));
        buffer.Clear();
        new PeekRequest("jobs", 41, 7).Write(buffer, 1);
        Assert.Equal(new PeekRequest("jobs", 41, 7), PeekRequest.Read(Split(buffer).Body));
        foreach (var type in new[] { MessageType.GetChannel, MessageType.Purge })
        {
            buffer.Clear();
            new ChannelRequest(type, "jobs", 0).Write(buffer, 1);
            var (header, body) = Split(buffer);
            Assert.Equal(type, header.Type);
            Assert.Equal(new ChannelRequest(type, "jobs", 0), ChannelRequest.Read(body, type));
        }
        buffer.Clear();
        PurgedReply.Write(buffer, 1, 123_456_789_012);
        Assert.Equal(123_456_789_012, PurgedReply.Read(Split(buffer).Body));
    }

    [Fact]
    public void ARequestWithoutItsLimitIsMalformed()
    {
        var body = FrameBuilder.Frame(1, MessageType.Peek, (ref Bson.BsonWriter w) => w.WriteString("c"u8, "jobs"))[FrameHeader.Length..];

        var error = Assert.Throws<ProtocolException>(() => { PeekRequest.Read(body); });

        Assert.Equal(ErrorCodes.Malformed, error.Code);
        Assert.Contains("'n'", error.Message, StringComparison.Ordinal);
    }

    private static (FrameHeader Header, byte[] Body) Split(FrameBuffer buffer)
    {
        var frame = buffer.WrittenSpan;
        var header = FrameHeader.Read(frame);
        Assert.Equal(frame.Length, header.Size);
        return (header, frame[FrameHeader.Length..].ToArray());
    }

    /// <summary>The server's page limit, as the tests read it.</summary>
    private static class ServerConnectionLimits
    {
        public const int MaxPage = Network.ServerConnection.MaxManagementPage;
    }
}

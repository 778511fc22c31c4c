using System.Buffers.Binary;
using Broker.Conformance;
using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;

namespace Broker.Server.Tests.Protocol;

/// <summary>
/// Connections from one address that keep sending bad frames cannot flood the server's log: each is closed as always,
/// and the log says so a few times per 10 s per address, then in one summary line (found by the shared embedded attack
/// pass: 220 bad connections wrote 220 warnings).
/// </summary>
public sealed class ProtocolErrorLogTests
{
    [Fact]
    public async Task ThirtyConnectionsWithBadFramesWriteAFewLinesNotThirty()
    {
        var log = new ListLoggerFactory();
        await using var server = await TestServer.StartAsync(loggers: log);
        for (var i = 0; i < 30; i++)
        {
            await using var client = await RawConnection.OpenAsync(server.Port);
            var header = FrameBuilder.Frame(1, MessageType.Produce);
            BinaryPrimitives.WriteUInt32LittleEndian(header, 200 * 1024 * 1024);
            await client.SendAsync(header);
            var error = await client.ReceiveAsync();
            Assert.Equal(ErrorCodes.FrameTooLarge, error.ErrorCode);
            Assert.True(await client.WaitForCloseAsync());
        }

        Assert.InRange(log.Messages.Count(m => m.Contains("closed with a protocol error (FrameTooLarge)", StringComparison.Ordinal)), 1, 5);
    }
}

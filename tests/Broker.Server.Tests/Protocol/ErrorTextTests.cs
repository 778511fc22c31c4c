using Broker.Bson;
using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Protocol;

/// <summary>
/// What an Error frame says: a refused request's message is the server's sentence alone, without .NET's parameter
/// and value decorations, and an Error about a frame carries that frame's id, also when it came in chunks.
/// </summary>
public sealed class ErrorTextTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/render");

    [Fact]
    public async Task AnInvalidRequestsMessageIsTheSentenceWithoutParameterOrActualValue()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);
        var elevenYears = (long)TimeSpan.FromDays(11 * 365).TotalMilliseconds;

        await client.SendAsync(FrameBuilder.Frame(5, MessageType.Produce, (ref BsonWriter w) =>
        {
            w.WriteString("c"u8, Jobs.Name);
            w.WriteBinary("v"u8, Payloads.Document("later"));
            w.WriteInt64("t"u8, elevenYears);
        }));

        var error = await client.ReceiveAsync();
        var message = error.Text("message") ?? "";
        Assert.Equal((MessageType.Error, 5u, ErrorCodes.InvalidRequest), (error.Type, error.Id, error.ErrorCode));
        Assert.Contains("3650 days", message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
        Assert.EndsWith(".", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadFrameInsideADeepkitChunkStreamIsAnsweredWithTheChunkedFramesId()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);
        // The frame the chunks carry has a header this server refuses (version 2), so its own id is never read.
        var inner = FrameBuilder.DeepkitPublish(7, Jobs.Name, Payloads.Document("chunked"));
        inner[4] = 2;

        await client.SendAsync(FrameBuilder.Frame(7, MessageType.Chunk, (ref BsonWriter w) =>
        {
            w.WriteInt32("seq"u8, 0);
            w.WriteInt32("total"u8, inner.Length);
            w.WriteBinary("v"u8, inner);
        }));

        var chunkAck = await client.ReceiveAsync();
        var error = await client.ReceiveAsync();
        Assert.Equal((MessageType.ChunkAck, 7u), (chunkAck.Type, chunkAck.Id));
        Assert.Equal((MessageType.Error, 7u, ErrorCodes.Malformed), (error.Type, error.Id, error.ErrorCode));
        Assert.True(await client.WaitForCloseAsync());
    }
}

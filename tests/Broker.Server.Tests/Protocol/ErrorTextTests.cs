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

    [Theory]
    [InlineData(0, 1000L, "at least one delivery attempt")]
    [InlineData(3, -1L, "it must be positive, or 0 for the default window")]
    public async Task ADeclareWithAnInvalidPolicyIsRefusedWithTheSentenceAlone(int maxAttempts, long windowMs, string expected)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(FrameBuilder.Frame(3, MessageType.Declare, (ref BsonWriter w) =>
        {
            w.WriteString("c"u8, Jobs.Name);
            w.WriteInt32("p"u8, 0);
            w.WriteInt64("w"u8, windowMs);
            w.WriteInt32("a"u8, maxAttempts);
            w.WriteInt64("r"u8, 1000);
        }));

        var error = await client.ReceiveAsync();
        var message = error.Text("message") ?? "";
        Assert.Equal((MessageType.Error, 3u, ErrorCodes.InvalidRequest), (error.Type, error.Id, error.ErrorCode));
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value", message, StringComparison.Ordinal);
        Assert.False(server.Engine.IsDeclared(Jobs.Name));
    }

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

using System.Buffers.Binary;
using Broker.Bson;
using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Protocol;

/// <summary>
/// Thousands of random, truncated and corrupted frames (fixed seed) on throw-away connections while a healthy client
/// produces and consumes: every bad connection is closed by the server, the server never fails, and the healthy
/// client's messages all get through.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Cases = 3000;
    private static readonly ChannelDefinition Healthy = new("fuzz/healthy");
    private static readonly ChannelDefinition Target = new("fuzz/target");

    [Fact]
    public async Task RandomAndTruncatedFramesNeverDisturbOtherClients()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxMessageBytes = 64 * 1024, AuthTimeout = TimeSpan.FromSeconds(2) });
        await using var producer = server.CreateTransport();
        await using var consumer = server.CreateTransport();
        await using var subscription = await consumer.SubscribeAsync(Healthy, new SubscriptionSettings(16, TimeSpan.FromSeconds(30)), CancellationToken.None);
        var random = new Random(20241127);
        var valid = ValidFrames();
        var kinds = new int[6];
        var produced = 0;

        for (var i = 0; i < Cases; i++)
        {
            var kind = random.Next(kinds.Length);
            kinds[kind]++;
            await using (var client = await RawConnection.OpenAsync(server.Port))
            {
                await client.SendAsync(Mutate(kind, random, valid));
                client.EndSending();
                Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)), $"Case {i} (kind {kind}): the server did not close the connection.");
            }

            if (i % 100 == 0)
            {
                // The healthy client is served between the bad ones, on its own long-lived connections.
                var result = await producer.ProduceAsync(Payloads.Message(Healthy, $"healthy {i}"), CancellationToken.None);
                Assert.True(result.IsEnqueued);
                var delivery = await subscription.NextAsync(TimeSpan.FromSeconds(10));
                Assert.Equal($"healthy {i}", delivery.Text());
                Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, CancellationToken.None));
                produced++;
            }
        }

        output.WriteLine($"{Cases} cases by kind (random, bit flips, truncated, huge size, wrong field types, valid sequence + garbage): {string.Join(", ", kinds)}; healthy round trips: {produced}");
        await Waits.UntilAsync(() => server.Server.ConnectionCount == 2, "only the healthy client's two connections to remain");
        Assert.Equal(0, server.Engine.GetStats(Healthy.Name).Unfinished);
    }

    private static byte[][] ValidFrames() =>
    [
        FrameBuilder.Produce(1, Target.Name, Payloads.Document("valid")),
        FrameBuilder.DeepkitPublish(2, Target.Name, Payloads.Document("deepkit")),
        FrameBuilder.Frame(3, MessageType.Subscribe, (ref BsonWriter w) =>
        {
            w.WriteString("c"u8, Target.Name);
            w.WriteInt32("s"u8, 1);
            w.WriteInt32("m"u8, 2);
            w.WriteInt64("l"u8, 1000);
        }),
        FrameBuilder.Frame(4, MessageType.Settle, (ref BsonWriter w) =>
        {
            w.WriteInt32("s"u8, 1);
            w.WriteInt64("i"u8, 1);
            w.WriteInt64("k"u8, 1);
            w.WriteInt32("o"u8, 0);
        }),
        FrameBuilder.Frame(5, MessageType.Chunk, (ref BsonWriter w) =>
        {
            w.WriteInt32("seq"u8, 0);
            w.WriteInt32("total"u8, 200);
            w.WriteBinary("v"u8, new byte[100]);
        }),
        FrameBuilder.Frame(6, MessageType.ListDeadLetters, (ref BsonWriter w) =>
        {
            w.WriteString("c"u8, Target.Name);
            w.WriteInt32("n"u8, 10);
        }),
    ];

    private static byte[] Mutate(int kind, Random random, byte[][] valid)
    {
        var frame = (byte[])valid[random.Next(valid.Length)].Clone();
        switch (kind)
        {
            case 0:
            {
                var bytes = new byte[random.Next(1, 300)];
                random.NextBytes(bytes);
                return bytes;
            }
            case 1:
                for (var flips = random.Next(1, 8); flips > 0; flips--)
                    frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
                return frame;
            case 2:
                return frame[..random.Next(1, frame.Length)];
            case 3:
                BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)random.Next(FrameHeader.Length, int.MaxValue));
                return frame;
            case 4:
            {
                // Every field of the body replaced by a value of another type, the structure intact.
                for (var at = FrameHeader.Length + 4; at < frame.Length - 1; at++)
                {
                    if (frame[at] is 0x02 or 0x10 or 0x12 or 0x05 && random.Next(3) == 0)
                        frame[at] = (byte)(frame[at] == 0x10 ? 0x12 : 0x10);
                }
                return frame;
            }
            default:
            {
                var garbage = new byte[random.Next(1, 64)];
                random.NextBytes(garbage);
                return [.. frame, .. valid[random.Next(valid.Length)], .. garbage];
            }
        }
    }
}

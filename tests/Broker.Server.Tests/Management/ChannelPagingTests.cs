using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Management;

/// <summary>
/// Ten thousand channels with names of the longest length allowed do not fit in one reply: the server pages them by
/// name, every Channels frame within the frame limit, and the client's listing reaches each channel once, in order.
/// </summary>
[Collection(Serial.Name)]
public sealed class ChannelPagingTests(ITestOutputHelper output)
{
    private const int Channels = 10_000;

    [Fact]
    public async Task TenThousandChannelsWithLongNamesArePagedWithinTheFrameLimit()
    {
        // Segments large enough for a header record per channel (see --max-channels).
        await using var server = await TestServer.StartAsync(o => o with { MaxChannels = Channels, SegmentBytes = 16 * 1024 * 1024 });
        var names = Enumerable.Range(0, Channels).Select(i => $"{i:D5}/" + new string('n', ChannelNameRules.MaxLength - 6)).ToArray();
        await ProduceOneToEachAsync(server, names);

        var pageSizes = new List<int>();
        await using (var raw = await RawConnection.OpenAsync(server.Port))
        {
            string? after = null;
            var more = true;
            while (more)
            {
                await raw.SendAsync(ManagementRequestTests.Frame((uint)(pageSizes.Count + 1), new ListChannelsRequest(after, 10_000)));
                var reply = await raw.ReceiveAsync();
                Assert.Equal(MessageType.Channels, reply.Type);
                Assert.InRange(reply.Bytes.Length, 1, server.Options.MaxFrameBytes);
                var (_, rows) = ChannelsReply.Read(reply.Body.Span, out more);
                Assert.NotEmpty(rows);
                Assert.All(rows, r => Assert.True(after is null || string.CompareOrdinal(r.Name, after) > 0));
                after = rows[^1].Name;
                pageSizes.Add(rows.Count);
            }
        }
        await using var management = await ManagementScenario.ConnectAsync(server.Address);
        var overview = await management.ListChannelsAsync();
        output.WriteLine($"{Channels} channels of {names[0].Length} characters: pages of {string.Join(", ", pageSizes)} rows");

        Assert.Equal(Channels, pageSizes.Sum());
        Assert.InRange(pageSizes.Count, 3, 10);
        Assert.Equal(names, overview.Channels.Select(c => c.Name));
        Assert.All(overview.Channels, c => Assert.Equal(1, c.Ready));
    }

    [Fact]
    public async Task ASmallLimitPagesByCount()
    {
        await using var server = await TestServer.StartAsync();
        var names = Enumerable.Range(0, 25).Select(i => $"jobs/{i:D2}").ToArray();
        await ProduceOneToEachAsync(server, names);
        await using var raw = await RawConnection.OpenAsync(server.Port);

        var listed = new List<string>();
        var more = true;
        for (uint id = 1; more; id++)
        {
            await raw.SendAsync(ManagementRequestTests.Frame(id, new ListChannelsRequest(listed.LastOrDefault(), 10)));
            var (_, rows) = ChannelsReply.Read((await raw.ReceiveAsync(MessageType.Channels)).Body.Span, out more);
            Assert.Equal(more ? 10 : 5, rows.Count);
            listed.AddRange(rows.Select(r => r.Name));
        }

        Assert.Equal(names, listed);
    }

    private static async Task ProduceOneToEachAsync(TestServer server, string[] names)
    {
        // Many at a time: the log commits them in groups.
        foreach (var batch in names.Chunk(500))
            await Task.WhenAll(batch.Select(name => server.Engine.ProduceAsync(name, Payloads.Message(new ChannelDefinition(name), "one").Message).AsTask()));
    }
}

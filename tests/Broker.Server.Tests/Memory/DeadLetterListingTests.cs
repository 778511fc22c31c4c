using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Memory;

/// <summary>
/// Listing many large dead letters with the largest limit: the server copies no more payloads than one reply frame
/// carries, and paging after the last id reaches every dead letter. Before the fix a listing copied up to 10,000
/// payloads to write a reply that carried a frame's worth of them (59 MB allocated for a 1 MB reply here).
/// </summary>
[Collection(Serial.Name)]
public sealed class DeadLetterListingTests(ITestOutputHelper output)
{
    private const int DeadLetters = 300;
    private const int Limit = 10_000;
    private static readonly ChannelDefinition Jobs = new("jobs/poison");

    [Fact]
    public async Task ListingLargeDeadLettersWithTheLargestLimitCopiesOneFrameOfPayloadsAndPagesThroughAll()
    {
        await using var server = await TestServer.StartAsync();
        var ids = await DeadLetterAsync(server);
        await using var client = await RawConnection.OpenAsync(server.Port);
        // The same listing once first, so the measurement counts the listing, not the first growth of the connection's
        // buffers (whose arrays the pool keeps for the next reply).
        await client.SendAsync(FrameBuilder.ListDeadLetters(1, Jobs.Name, 0, Limit));
        await client.ReceiveAsync(MessageType.DeadLetters);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        await client.SendAsync(FrameBuilder.ListDeadLetters(2, Jobs.Name, 0, Limit));
        var first = await client.ReceiveAsync(MessageType.DeadLetters);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var page = DeadLettersReply.Read(first.Body.Span, Jobs.Name, out var more);
        var listed = new List<long>(page.Select(e => e.Id));
        var pages = 1;
        while (more)
        {
            await client.SendAsync(FrameBuilder.ListDeadLetters((uint)(2 + pages), Jobs.Name, listed[^1], Limit));
            var next = await client.ReceiveAsync(MessageType.DeadLetters);
            Assert.InRange(next.Bytes.Length, 0, server.Options.MaxFrameBytes);
            page = DeadLettersReply.Read(next.Body.Span, Jobs.Name, out more);
            listed.AddRange(page.Select(e => e.Id));
            pages++;
        }
        output.WriteLine($"first page: {first.Bytes.Length} bytes; the process allocated {ProcessMemory.MiB(allocated)} to answer it; {pages} pages for {DeadLetters} dead letters of 100 KB");

        Assert.InRange(first.Bytes.Length, server.Options.MaxFrameBytes / 2, server.Options.MaxFrameBytes);
        // The store's copies of the payloads it reads (two each, for records larger than its read block), the reply's
        // encoding, and this test's copy of the frame: a few frames, not 300 payloads.
        Assert.InRange(allocated, 0, 8L * server.Options.MaxFrameBytes);
        Assert.Equal(ids, listed);
        Assert.InRange(pages, DeadLetters * (StuckSubscriberTests.PayloadChars + 128L) / server.Options.MaxFrameBytes, DeadLetters);
    }

    /// <summary>Dead-letters 300 messages of about 100 KB, through the server's engine.</summary>
    private static async Task<List<long>> DeadLetterAsync(TestServer server)
    {
        var text = new string('x', StuckSubscriberTests.PayloadChars);
        var ids = new List<long>();
        await server.Engine.DeclareAsync(Jobs);
        for (var i = 0; i < DeadLetters; i++)
            ids.Add((await server.Engine.ProduceAsync(Jobs.Name, Payloads.Message(Jobs, text).Message)).MessageId);
        await using var worker = await server.Engine.SubscribeAsync(Jobs.Name, new SubscriptionSettings(DeadLetters, TimeSpan.FromMinutes(1)));
        for (var i = 0; i < DeadLetters; i++)
        {
            var delivery = await worker.NextAsync();
            Assert.Equal(SettleOutcome.DeadLettered, await worker.FailAsync(delivery, FailureKind.Permanent, "poison", CancellationToken.None));
        }
        return ids;
    }
}

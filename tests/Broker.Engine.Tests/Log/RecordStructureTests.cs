using System.Buffers.Binary;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Broker.Transport;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Log;

/// <summary>
/// A record whose checksum is right but whose fields do not fit its body (a message whose headers length runs past the
/// record, a channel policy too short for its fixed fields) is damage like a bad checksum: the open refuses, naming the
/// segment and the offset, instead of failing deep in replay with a bare range exception or keeping a message whose
/// payload can never be read (and that then breaks every dead-letter listing of its channel).
/// </summary>
public sealed class RecordStructureTests
{
    private static readonly LogStoreOptions Small = new() { SegmentBytes = 64 * 1024 };

    [Fact]
    public async Task AMessageWhoseHeadersLengthRunsPastItsRecordIsRefusedAtOpen()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await WriteTwoWrites(directory.Path, time);
        var segment = Assert.Single(LogFiles.Segments(directory.Path));
        var bytes = File.ReadAllBytes(segment);
        var frame = LogFiles.Frames(bytes).First(f => f.Type == (int)LogRecordType.Message);
        // channel, id, priority, produced, due, flags (HasHeaders only): the u16 headers length follows.
        var lengthAt = frame.Offset + LogRecord.HeaderSize + 4 + 8 + 4 + 8 + 8 + 1;
        Assert.Equal((byte)MessageFlags.HasHeaders, bytes[lengthAt - 1]);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(lengthAt), ushort.MaxValue);
        LogRecord.Seal(bytes.AsSpan(frame.Offset, frame.Length), LogRecordType.Message, frame.BatchStart);
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<LogDataLossException>(() => LogQueueStore.Open(directory.Path, Small, time));
        var loss = Assert.Single(error.Losses);
        Assert.Equal(LogLossKind.Damaged, loss.Kind);
        Assert.Contains($"offset {frame.Offset}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChannelPolicyTooShortForItsFieldsIsRefusedAtOpen()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await WriteTwoWrites(directory.Path, time);
        var segment = Assert.Single(LogFiles.Segments(directory.Path));
        var bytes = File.ReadAllBytes(segment);
        var frame = LogFiles.Frames(bytes).First(f => f.Type == (int)LogRecordType.ChannelPolicy);
        // The same record cut to a 5-byte body (resealed), the rest of the segment moved up behind it.
        var cut = frame.Length - LogRecord.HeaderSize - 5;
        var shorter = new byte[bytes.Length];
        bytes.AsSpan(0, frame.Offset + LogRecord.HeaderSize + 5).CopyTo(shorter);
        bytes.AsSpan(frame.Offset + frame.Length).CopyTo(shorter.AsSpan(frame.Offset + LogRecord.HeaderSize + 5));
        LogRecord.Seal(shorter.AsSpan(frame.Offset, LogRecord.HeaderSize + 5), LogRecordType.ChannelPolicy, frame.BatchStart);
        Assert.True(cut > 0);
        File.WriteAllBytes(segment, shorter);

        var error = Assert.Throws<LogDataLossException>(() => LogQueueStore.Open(directory.Path, Small, time));
        Assert.Equal(LogLossKind.Damaged, Assert.Single(error.Losses).Kind);
        Assert.Contains($"offset {frame.Offset}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ushort.MaxValue)]
    public async Task AMessageWhoseOrderingKeyLengthIsZeroOrRunsPastItsRecordIsRefusedAtOpen(int length)
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await using (var h = new EngineHarness(LogQueueStore.Open(directory.Path, Small, time), time, ownsStore: true))
        {
            await h.ProduceKeyed(new ChannelDefinition("orders", ordered: true), "customer-1", "keyed");
            await h.ProduceKeyed(new ChannelDefinition("orders", ordered: true), "customer-1", "a later write");
        }
        var segment = Assert.Single(LogFiles.Segments(directory.Path));
        var bytes = File.ReadAllBytes(segment);
        var frame = LogFiles.Frames(bytes).First(f => f.Type == (int)LogRecordType.Message);
        // channel, id, priority, produced, due, flags (HasOrderingKey only): the u16 key length follows.
        var lengthAt = frame.Offset + LogRecord.HeaderSize + 4 + 8 + 4 + 8 + 8 + 1;
        Assert.Equal((byte)MessageFlags.HasOrderingKey, bytes[lengthAt - 1]);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(lengthAt), (ushort)length);
        LogRecord.Seal(bytes.AsSpan(frame.Offset, frame.Length), LogRecordType.Message, frame.BatchStart);
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<LogDataLossException>(() => LogQueueStore.Open(directory.Path, Small, time));
        Assert.Equal(LogLossKind.Damaged, Assert.Single(error.Losses).Kind);
        Assert.Contains($"offset {frame.Offset}", error.Message, StringComparison.Ordinal);
        Assert.Contains("ordering key", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A declaration and a message with headers, then (a later write) another message.</summary>
    private static async Task WriteTwoWrites(string directory, TimeProvider time)
    {
        await using var h = new EngineHarness(LogQueueStore.Open(directory, Small, time), time, ownsStore: true);
        var channel = Channel(maxAttempts: 3);
        await h.Engine.DeclareAsync(channel);
        var headers = HeaderCodec.Encode(new Dictionary<string, string> { ["trace"] = "abc" }, channel.Name);
        await h.Engine.ProduceAsync(channel.Name, new OutgoingMessage(Bytes("with headers"), null, TimeSpan.Zero, 0) { Headers = headers });
        await h.Produce(channel, "a later write");
    }
}

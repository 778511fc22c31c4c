using Broker.Engine.Tests.Support;
using Broker.Transport;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests;

public sealed class ProduceValidationTests
{
    [Fact]
    public async Task OversizePayloadIsRejectedNamingTheChannelAndBothSizes()
    {
        await using var h = new EngineHarness(options: new QueueEngineOptions { MaxMessageBytes = 16 });

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await h.Engine.ProduceAsync(new ChannelMessage(Channel("big/things"), new byte[17], null, TimeSpan.Zero, 0)));

        Assert.Contains("'big/things'", error.Message, StringComparison.Ordinal);
        Assert.Contains("17 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("16 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Engine.GetStats("big/things").LastId);
    }

    [Fact]
    public async Task PayloadAtTheLimitIsAccepted()
    {
        await using var h = new EngineHarness(options: new QueueEngineOptions { MaxMessageBytes = 16 });

        var result = await h.Engine.ProduceAsync(new ChannelMessage(Channel(), new byte[16], null, TimeSpan.Zero, 0));

        Assert.True(result.IsEnqueued);
    }

    [Fact]
    public void DefaultLimitIsOneMebibyte()
    {
        Assert.Equal(1024 * 1024, new QueueEngine(new Storage.MemoryQueueStore()).MaxMessageBytes);
    }

    [Fact]
    public async Task EmptyPayloadIsRejected()
    {
        await using var h = new EngineHarness();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await h.Engine.ProduceAsync(new ChannelMessage(Channel(), ReadOnlyMemory<byte>.Empty, null, TimeSpan.Zero, 0)));

        Assert.Contains("'orders' is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NegativeDelayIsRejected()
    {
        await using var h = new EngineHarness();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await h.Engine.ProduceAsync(new ChannelMessage(Channel(), Bytes("x"), null, TimeSpan.FromSeconds(-1), 0)));
    }

    [Theory]
    [InlineData(3651 * 24.0, false)]
    [InlineData(3650 * 24.0, true)]
    public async Task ADelayPastTenYearsIsRejectedNamingTheLimit(double hours, bool accepted)
    {
        await using var h = new EngineHarness();
        var message = new ChannelMessage(Channel(), Bytes("x"), null, TimeSpan.FromHours(hours), 0);

        if (accepted)
        {
            Assert.True((await h.Engine.ProduceAsync(message)).IsEnqueued);
            return;
        }
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await h.Engine.ProduceAsync(message));
        Assert.Contains("3650 days", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Engine.GetStats("orders").LastId);
    }

    [Fact]
    public async Task ADedupWindowPastAWeekIsRejectedAsTheTypedApiRejectsIt()
    {
        await using var h = new EngineHarness();

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await h.ProduceOnce(Channel(), "x", 1, TimeSpan.FromDays(8)));

        Assert.Contains("at most 7 days", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProducerPayloadBufferMayBeReusedAfterProduce()
    {
        await using var h = new EngineHarness();
        var buffer = Bytes("original");
        await h.Engine.ProduceAsync(new ChannelMessage(Channel(), buffer, null, TimeSpan.Zero, 0));
        Array.Fill(buffer, (byte)'x');

        var worker = await h.Subscribe(Channel());

        Assert.Equal("original", Text(Single(worker)));
    }
}

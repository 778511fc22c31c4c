using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Log;

/// <summary>
/// UseEmbedded with <see cref="EmbeddedBrokerOptions.Shared"/> false: the engine over the log in this process alone. The
/// shared directory (the default) is tested in Broker.Embedded.Tests.
/// </summary>
public sealed class EmbeddedTransportTests
{
    [Fact]
    public async Task UseEmbeddedKeepsTheBacklogForTheNextProcessOnTheSameDirectory()
    {
        using var directory = new TempDirectory();
        var orders = Channel();

        // The producing app: produce, then stop.
        await using (var app = Provider(directory.Path))
        {
            var transport = app.GetRequiredService<IQueueTransport>();
            Assert.IsType<EngineTransport>(transport);
            for (var i = 0; i < 3; i++)
                await transport.ProduceAsync(new ChannelMessage(orders, Bytes("job " + i), null, TimeSpan.Zero, 0), default);
        }

        // The worker, started later on the same directory, finds the backlog.
        await using var worker = Provider(directory.Path);
        var subscription = await worker.GetRequiredService<IQueueTransport>().SubscribeAsync(orders, new SubscriptionSettings(10, TimeSpan.FromSeconds(30)), default);
        Assert.Equal(["job 0", "job 1", "job 2"], Drain(subscription).Select(Text));
    }

    [Fact]
    public async Task UseEmbeddedOnADirectoryInUseFailsNamingIt()
    {
        using var directory = new TempDirectory();
        await using var first = Provider(directory.Path);
        first.GetRequiredService<IQueueTransport>();
        await using var second = Provider(directory.Path);

        var error = Assert.Throws<IOException>(() => second.GetRequiredService<IQueueTransport>());

        Assert.Contains(directory.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseEmbeddedValidatesItsOptionsWhenConfigured()
    {
        var builder = new BrokerBuilder(new ServiceCollection());

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.UseEmbedded("data", o => o.CompactionThreshold = 1.5));
        Assert.Throws<ArgumentException>(() => builder.UseEmbedded(" "));
    }

    [Fact]
    public async Task UseEmbeddedUsesTheRegisteredClockAndOptions()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        var builder = new BrokerBuilder(services).UseEmbedded(directory.Path, o =>
        {
            o.MaxMessageBytes = 8;
            o.Durability = DurabilityMode.Buffered;
            o.SegmentBytes = 128 * 1024;
            o.Shared = false;
        });
        await using var provider = services.BuildServiceProvider();

        var transport = Assert.IsType<EngineTransport>(provider.GetRequiredService<IQueueTransport>());

        Assert.Equal("Embedded", builder.TransportName);
        Assert.Same(time, transport.TimeProvider);
        Assert.Equal(8, transport.Engine.MaxMessageBytes);
    }

    private static ServiceProvider Provider(string path)
    {
        var services = new ServiceCollection();
        new BrokerBuilder(services).UseEmbedded(path, o =>
        {
            o.SegmentBytes = 128 * 1024;
            o.Shared = false;
        });
        return services.BuildServiceProvider();
    }
}

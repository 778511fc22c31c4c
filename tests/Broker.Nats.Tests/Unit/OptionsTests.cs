using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Nats.Tests.Unit;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("has_underscore")]
    [InlineData("has.dot")]
    [InlineData("")]
    public void APrefixThatCouldCollideIsRefused(string prefix) =>
        Assert.Throws<ArgumentException>(() => new NatsTransportOptions { Prefix = prefix }.Validate());

    [Fact]
    public void OutOfRangeValuesAreRefusedByName()
    {
        Assert.Equal("Replicas", Assert.Throws<ArgumentOutOfRangeException>(() => new NatsTransportOptions { Replicas = 7 }.Validate()).ParamName);
        Assert.Equal("AckWait", Assert.Throws<ArgumentOutOfRangeException>(() => new NatsTransportOptions { AckWait = TimeSpan.FromMilliseconds(10) }.Validate()).ParamName);
        Assert.Equal("MinPriority", Assert.Throws<ArgumentOutOfRangeException>(() => new NatsTransportOptions { MinPriority = 5, MaxPriority = 1 }.Validate()).ParamName);
        Assert.Equal("OrderedPartitions", Assert.Throws<ArgumentOutOfRangeException>(() => new NatsTransportOptions { OrderedPartitions = 0 }.Validate()).ParamName);
        Assert.Equal("OrderedPartitions", Assert.Throws<ArgumentOutOfRangeException>(() => new NatsTransportOptions { OrderedPartitions = 1025 }.Validate()).ParamName);
    }

    [Fact]
    public async Task UseNatsRegistersTheNatsTransport()
    {
        var services = new ServiceCollection();
        var builder = new BrokerBuilder(services);

        builder.UseNats(o => o.Url = "nats://127.0.0.1:1");

        Assert.Equal("NATS", builder.TransportName);
        await using var provider = services.BuildServiceProvider();
        // Connecting is lazy: resolving the transport does not touch the network.
        var transport = provider.GetRequiredService<IQueueTransport>();
        Assert.IsType<NatsQueueTransport>(transport);
    }
}

using Broker.Conformance;
using Broker.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Broker.Nats.Tests.Unit;

/// <summary>
/// <c>UseNats()</c> with its settings in Broker's configuration section (<c>Broker:Nats</c>). Connecting is lazy, so
/// none of these needs a nats-server.
/// </summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task SettingsFromConfigurationReachTheTransportAndTheLambdaWins()
    {
        await using var provider = Provider(
            new()
            {
                ["Broker:Nats:Url"] = "nats://10.0.0.1:4222,nats://10.0.0.2:4222",
                ["Broker:Nats:Prefix"] = "ORDERS",
                ["Broker:Nats:Replicas"] = "3",
                ["Broker:Nats:AckWait"] = "1m",
                ["Broker:Nats:PollInterval"] = "250ms",
                ["Broker:Nats:MaxDedupWindow"] = "1d",
                ["Broker:Nats:MaxMessageBytes"] = "512KiB",
                ["Broker:Nats:MinPriority"] = "-5",
                ["Broker:Nats:MaxPriority"] = "5",
                ["Broker:Nats:OrderedPartitions"] = "64",
            },
            o => o.Replicas = 5);
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = Assert.IsType<NatsQueueTransport>(provider.GetRequiredService<IQueueTransport>()).Options;

        Assert.Equal("nats://10.0.0.1:4222,nats://10.0.0.2:4222", options.Url);
        Assert.Equal("ORDERS", options.Prefix);
        Assert.Equal(5, options.Replicas);
        Assert.Equal(TimeSpan.FromMinutes(1), options.AckWait);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.PollInterval);
        Assert.Equal(TimeSpan.FromDays(1), options.MaxDedupWindow);
        Assert.Equal(512 * 1024, options.MaxMessageBytes);
        Assert.Equal((-5, 5), (options.MinPriority, options.MaxPriority));
        Assert.Equal(64, options.OrderedPartitions);
    }

    [Theory]
    [InlineData("Replicas", "7", "Broker:Nats:Replicas = '7': NatsTransportOptions.Replicas must be between 1 and 5.")]
    [InlineData("Prefix", "has.dot", "Broker:Nats:Prefix = 'has.dot': NatsTransportOptions.Prefix 'has.dot' must be 1 to 32 ASCII letters or digits.")]
    [InlineData("AckWait", "500ms", "Broker:Nats:AckWait = '500ms': NatsTransportOptions.AckWait must be at least 1 second.")]
    [InlineData("OrderedPartitions", "0", "Broker:Nats:OrderedPartitions = '0': NatsTransportOptions.OrderedPartitions must be between 1 and 1024.")]
    [InlineData("MinPriority", "200", "Broker:Nats:MinPriority = '200': NatsTransportOptions.MinPriority must not exceed MaxPriority.")]
    [InlineData("Url", " ", "Broker:Nats:Url = '***': NatsTransportOptions.Url is empty")]
    [InlineData("Servers", "nats://a:4222", "Broker:Nats:Servers is not a setting of Broker:Nats.")]
    public async Task EveryBadValueIsNamedByItsKey(string key, string value, string expected)
    {
        await using var provider = Provider(new() { ["Broker:Nats:" + key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUrlWithCredentialsIsNeverQuotedInAProblem()
    {
        await using var provider = Provider(new() { ["Broker:Nats:Url"] = "nats://worker:pa55word@nats:4222", ["Broker:Nats:Replicas"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.DoesNotContain("pa55word", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDocumentedTableListsEveryKeyTheReaderAcceptsAndNoOther()
    {
        await using var provider = Provider(new() { ["Broker:Nats:" + ConfigurationDocs.UnknownKey] = "1" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(ConfigurationDocs.AcceptedKeys(error.Message, "Broker:Nats").Order(), ConfigurationDocs.Keys("Broker:Nats").Order());
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings, Action<NatsTransportOptions>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddBroker(configuration.GetSection("Broker"), b => b.UseNats(configure));
        return services.BuildServiceProvider();
    }
}

using Broker.Client;
using Broker.Conformance;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Broker.Server.Tests.Client;

/// <summary>
/// <c>UseServer()</c> with its settings in Broker's configuration section (<c>Broker:Server</c>): read when the host
/// starts, the code's lambda applied after them, every problem named by its key and no credential ever quoted.
/// </summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task AddressTokenAndTlsFromConfigurationReachATlsServerWithTheLambdaAddingTrust()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" }, certificate: TestCertificates.Localhost);
        await using var provider = Provider(
            new()
            {
                ["Broker:Server:Address"] = server.Address,
                ["Broker:Server:Token"] = "s3cret",
                ["Broker:Server:Tls:TargetHost"] = "localhost",
                ["Broker:Server:ConnectTimeout"] = "5s",
            },
            // Configuration turned TLS on with its host name; trusting a private certificate is code, applied after it.
            o => o.Tls!.RemoteCertificateValidationCallback = TestCertificates.TrustLocalhost().RemoteCertificateValidationCallback);
        provider.GetRequiredService<IStartupValidator>().Validate();

        var transport = provider.GetRequiredService<IQueueTransport>();
        var produced = await transport.ProduceAsync(Payloads.Message(new ChannelDefinition("config/jobs"), "over TLS"), CancellationToken.None);

        Assert.Equal(ProduceStatus.Enqueued, produced.Status);
        Assert.Equal(1, server.Engine.GetStats("config/jobs").Ready);
    }

    [Fact]
    public async Task TheAddressInCodeWinsOverConfiguration()
    {
        await using var server = await TestServer.StartAsync();
        await using var provider = Provider(new() { ["Broker:Server:Address"] = "127.0.0.1:1" }, address: server.Address);

        var produced = await provider.GetRequiredService<IQueueTransport>().ProduceAsync(Payloads.Message(new ChannelDefinition("config/jobs"), "x"), CancellationToken.None);

        Assert.Equal(ProduceStatus.Enqueued, produced.Status);
    }

    [Theory]
    [InlineData("Address", "nats://broker:4222", "Broker:Server:Address = 'nats://broker:4222': The server address 'nats://broker:4222' must be host:port (for example 127.0.0.1:8811), without a scheme.")]
    [InlineData("Address", "broker:99999", "Broker:Server:Address = 'broker:99999': The port in server address 'broker:99999' must be a number from 1 to 65535.")]
    [InlineData("ReconnectDelay", "10s", "Broker:Server:MaxReconnectDelay is 5s (not set in configuration): ServerClientOptions.MaxReconnectDelay must be at least ReconnectDelay.")]
    [InlineData("RequestTimeout", "0", "Broker:Server:RequestTimeout = '0': ServerClientOptions.RequestTimeout must be positive.")]
    [InlineData("ConnectTimeout", "10", "Broker:Server:ConnectTimeout = '10': a bare number is ambiguous")]
    [InlineData("Tls:TargetHost", "", "Broker:Server:Tls (set in configuration): ServerClientOptions.Tls.TargetHost must name the host in the server's certificate.")]
    [InlineData("Tls:Host", "broker.internal", "Broker:Server:Tls:Host is not a setting of Broker:Server:Tls. The settings here are: TargetHost.")]
    [InlineData("Tokn", "s3cret", "Broker:Server:Tokn is not a setting of Broker:Server; did you mean Token?")]
    public async Task EveryBadValueIsNamedByItsKey(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Broker:Server:Address"] = "127.0.0.1:8811", ["Broker:Server:" + key] = value };
        await using var provider = Provider(settings);

        // What the host calls when it starts (ValidateOnStart).
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACredentialIsNeverQuotedInAProblem()
    {
        await using var provider = Provider(new()
        {
            ["Broker:Server:Address"] = "127.0.0.1:8811",
            ["Broker:Server:Token"] = "t0p-s3cret",
            ["Broker:Server:User"] = "worker",
            ["Broker:Server:Password"] = "pa55word",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Broker:Server:Token = '***': ServerClientOptions: set either Token or User and Password, not both.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t0p-s3cret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55word", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDocumentedTableListsEveryKeyTheReaderAcceptsAndNoOther()
    {
        await using var provider = Provider(new()
        {
            ["Broker:Server:Address"] = "127.0.0.1:8811",
            ["Broker:Server:" + ConfigurationDocs.UnknownKey] = "1",
            ["Broker:Server:Tls:" + ConfigurationDocs.UnknownKey] = "1",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        // The table lists Tls's keys as Tls:TargetHost; the reader lists the section Tls among Server's settings.
        var accepted = ConfigurationDocs.AcceptedKeys(error.Message, "Broker:Server").Where(k => k != "Tls")
            .Concat(ConfigurationDocs.AcceptedKeys(error.Message, "Broker:Server:Tls").Select(k => "Tls:" + k));
        Assert.Equal(accepted.Order(), ConfigurationDocs.Keys("Broker:Server").Order());
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings, Action<ServerClientOptions>? configure = null, string? address = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
#pragma warning disable BRK0019 // These tests look at the transport's settings, never at a channel.
        services.AddBroker(configuration.GetSection("Broker"), b =>
        {
            if (address is null)
                b.UseServer(configure);
            else
                b.UseServer(address, configure);
        });
#pragma warning restore BRK0019
        return services.BuildServiceProvider();
    }
}

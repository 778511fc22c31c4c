using Broker.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Broker.Hosting.Tests.Configuration.ConfiguredHost;

namespace Broker.Hosting.Tests.Configuration;

/// <summary>docs/configuration.md lists exactly the keys the readers of this assembly's sections accept.</summary>
public sealed class DocumentedKeysTests
{
    [Theory]
    [InlineData("Broker:Embedded")]
    [InlineData("Broker:InMemory")]
    [InlineData("Broker:Consumers:hosting/signups")]
    public async Task TheDocumentedTableListsEveryKeyTheReaderAcceptsAndNoOther(string path)
    {
        Action<BrokerBuilder> adapter = path == "Broker:InMemory" ? b => b.UseInMemory() : b => b.UseEmbedded("unused");
        using var host = Build(
            [Setting(path + ":" + ConfigurationDocs.UnknownKey, "1")],
            adapter,
            services => services.AddSingleton(new BlockingGate()).AddConsumer<ISignupChannel, GatedConsumer>());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var documented = ConfigurationDocs.Keys(path.StartsWith("Broker:Consumers", StringComparison.Ordinal) ? "Broker:Consumers:<channel>" : path);
        Assert.Equal(ConfigurationDocs.AcceptedKeys(error.Message, path).Order(), documented.Order());
    }
}

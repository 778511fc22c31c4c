using Broker.Settings;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The keys of <c>Broker:InMemory</c>: one per <see cref="InMemoryBrokerOptions"/> property, by the same name.</summary>
internal static class InMemorySettings
{
    public static void Read(SettingsSection section, InMemoryBrokerOptions options) =>
        options.MaxMessageBytes = section.Bytes32(nameof(InMemoryBrokerOptions.MaxMessageBytes), options.MaxMessageBytes);
}

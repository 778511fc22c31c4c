using Broker.Settings;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The keys of <c>Broker:Embedded</c>: one per <see cref="EmbeddedBrokerOptions"/> property, by the same name.</summary>
internal static class EmbeddedSettings
{
    public static void Read(SettingsSection section, EmbeddedBrokerOptions options)
    {
        options.Path = section.String(nameof(EmbeddedBrokerOptions.Path), options.Path);
        options.Durability = section.Enum(nameof(EmbeddedBrokerOptions.Durability), options.Durability);
        options.SegmentBytes = section.Bytes(nameof(EmbeddedBrokerOptions.SegmentBytes), options.SegmentBytes);
        options.CompactionThreshold = section.Double(nameof(EmbeddedBrokerOptions.CompactionThreshold), options.CompactionThreshold);
        options.AcceptDataLoss = section.Boolean(nameof(EmbeddedBrokerOptions.AcceptDataLoss), options.AcceptDataLoss);
        options.MaxMessageBytes = section.Bytes32(nameof(EmbeddedBrokerOptions.MaxMessageBytes), options.MaxMessageBytes);
        options.MaxChannels = section.Int32(nameof(EmbeddedBrokerOptions.MaxChannels), options.MaxChannels);
        options.Shared = section.Boolean(nameof(EmbeddedBrokerOptions.Shared), options.Shared);
    }
}

using Broker.Settings;

namespace Broker.Nats;

/// <summary>
/// The keys of <c>Broker:Nats</c>: one per <see cref="NatsTransportOptions"/> property, by the same name, except
/// <see cref="NatsTransportOptions.Connection"/> (NATS.Net's own options are code; credentials can ride in the URL,
/// <c>nats://user:password@host:4222</c>).
/// </summary>
internal static class NatsSettings
{
    public static void Read(SettingsSection section, NatsTransportOptions options)
    {
        // The URL may carry credentials, so a problem never quotes it.
        options.Url = section.String(nameof(NatsTransportOptions.Url), options.Url, secret: true) ?? options.Url;
        options.Prefix = section.String(nameof(NatsTransportOptions.Prefix), options.Prefix) ?? options.Prefix;
        options.Replicas = section.Int32(nameof(NatsTransportOptions.Replicas), options.Replicas);
        options.AckWait = section.Duration(nameof(NatsTransportOptions.AckWait), options.AckWait);
        options.PollInterval = section.Duration(nameof(NatsTransportOptions.PollInterval), options.PollInterval);
        options.ProduceRetryTimeout = section.Duration(nameof(NatsTransportOptions.ProduceRetryTimeout), options.ProduceRetryTimeout);
        options.MaxDedupWindow = section.Duration(nameof(NatsTransportOptions.MaxDedupWindow), options.MaxDedupWindow);
        options.MinPriority = section.Int32(nameof(NatsTransportOptions.MinPriority), options.MinPriority);
        options.MaxPriority = section.Int32(nameof(NatsTransportOptions.MaxPriority), options.MaxPriority);
        options.MaxMessageBytes = section.Bytes32(nameof(NatsTransportOptions.MaxMessageBytes), options.MaxMessageBytes);
        options.OrderedPartitions = section.Int32(nameof(NatsTransportOptions.OrderedPartitions), options.OrderedPartitions);
    }
}

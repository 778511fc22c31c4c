using Broker.Engine;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Settings of <c>UseInMemory()</c>: the queue engine runs in the process and keeps messages in memory only.</summary>
public sealed class InMemoryBrokerOptions
{
    /// <summary>The largest payload accepted, in bytes. Default 1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = QueueEngineOptions.DefaultMaxMessageBytes;

    internal QueueEngineOptions ToEngineOptions() => new() { MaxMessageBytes = MaxMessageBytes };
}

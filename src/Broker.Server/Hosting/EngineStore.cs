using Broker.Engine;
using Broker.Engine.Storage.Log;
using Broker.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Hosting;

/// <summary>Opens the queue engine the server hosts, over the durable log in the data directory.</summary>
internal static class EngineStore
{
    /// <exception cref="IOException">Another process holds the data directory.</exception>
    /// <exception cref="LogCorruptedException">A segment is damaged before its tail.</exception>
    public static QueueEngine Open(BrokerServerOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        var engineOptions = new QueueEngineOptions { MaxMessageBytes = options.MaxMessageBytes, MaxChannels = options.EffectiveMaxChannels };
        var logOptions = new LogStoreOptions
        {
            Durability = options.Durability,
            SegmentBytes = options.SegmentBytes,
            AcceptDataLoss = options.AcceptDataLoss,
        };
        var store = LogQueueStore.Open(options.DataDirectory, logOptions, time, loggerFactory.CreateLogger("Broker.Engine.Log"));
        // The engine closes the log when it is disposed: the last group commit is written and the directory released.
        return new QueueEngine(store, engineOptions, time, loggerFactory.CreateLogger("Broker.Engine"), ownsStore: true);
    }
}

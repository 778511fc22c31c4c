using Broker.Engine;
using Broker.Engine.Storage;
using Broker.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Hosting;

/// <summary>Opens the queue engine the server hosts, over its store in the data directory.</summary>
internal static class EngineStore
{
    public static QueueEngine Open(BrokerServerOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var engineOptions = new QueueEngineOptions { MaxMessageBytes = options.MaxMessageBytes };
        // TODO(durable log): LogQueueStore.Open(options.DataDirectory, ...) once it is on main; until then nothing survives a restart.
        return new QueueEngine(new MemoryQueueStore(), engineOptions, time, loggerFactory.CreateLogger("Broker.Engine"));
    }
}

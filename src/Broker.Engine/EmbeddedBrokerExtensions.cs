using Broker;
using Broker.Engine;
using Broker.Engine.Storage.Log;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the embedded adapter for Broker.</summary>
public static class EmbeddedBrokerExtensions
{
    /// <summary>
    /// Runs the queue engine in this process over a durable log in <paramref name="path"/>: no server to install. A
    /// produce completes once the message is fsync'd (shared by concurrent producers); a backlog survives restarts and
    /// waits for a worker that starts later, in this process or another one that opens the same directory after this
    /// one closed it. One directory serves one process at a time: a second one gets an <see cref="IOException"/> naming
    /// the holder. The clock is the registered <see cref="TimeProvider"/>, if any.
    /// </summary>
    /// <param name="builder">The Broker builder.</param>
    /// <param name="path">The data directory, created if missing; relative paths are resolved against the current directory.</param>
    /// <param name="configure">Adjusts the options; null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static BrokerBuilder UseEmbedded(this BrokerBuilder builder, string path, Action<EmbeddedBrokerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var options = new EmbeddedBrokerOptions();
        configure?.Invoke(options);
        var engineOptions = new QueueEngineOptions { MaxMessageBytes = options.MaxMessageBytes, MaxChannels = options.MaxChannels };
        engineOptions.Validate();
        var logOptions = options.ToLogOptions();
        logOptions.Validate();
        return builder.UseTransport("Embedded", sp =>
        {
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var loggers = sp.GetService<ILoggerFactory>();
            var store = LogQueueStore.Open(path, logOptions, time, loggers?.CreateLogger("Broker.Engine.Log"));
            var engine = new QueueEngine(store, engineOptions, time, loggers?.CreateLogger("Broker.Engine"), ownsStore: true);
            return new EngineTransport(engine, ownsEngine: true);
        });
    }
}

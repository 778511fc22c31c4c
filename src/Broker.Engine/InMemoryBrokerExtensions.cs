using Broker;
using Broker.Engine;
using Broker.Engine.Storage;
using Broker.Settings;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the in-memory adapter for Broker.</summary>
public static class InMemoryBrokerExtensions
{
    /// <summary>
    /// Runs the queue engine in this process over memory: every rule of the delivery contract holds (leases, retries,
    /// dead letters, delay, priority, deduplication), but nothing survives the process. For tests, development and
    /// single-process apps that can lose queued messages. The clock is the registered <see cref="TimeProvider"/>, if any.
    /// </summary>
    /// <param name="builder">The Broker builder.</param>
    /// <param name="configure">
    /// Adjusts the options after configuration (<c>Broker:InMemory</c>, when Broker was added with
    /// <c>AddBroker(configuration, ...)</c>) was applied; null for the defaults.
    /// </param>
    /// <returns>The builder.</returns>
    public static BrokerBuilder UseInMemory(this BrokerBuilder builder, Action<InMemoryBrokerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = AdapterSettings.Resolve(builder, "InMemory", InMemorySettings.Read, configure, static o => o.ToEngineOptions().Validate());
        return builder.UseTransport("InMemory", sp =>
        {
            var engineOptions = options(sp).ToEngineOptions();
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger("Broker.Engine");
            var engine = new QueueEngine(new MemoryQueueStore(), engineOptions, time, logger);
            return new EngineTransport(engine, ownsEngine: true);
        });
    }
}

using Broker;
using Broker.Embedded;
using Broker.Engine;
using Broker.Engine.Storage.Log;
using Broker.Settings;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the embedded adapter for Broker.</summary>
public static class EmbeddedBrokerExtensions
{
    /// <summary>
    /// Runs the queue engine over a durable log in <paramref name="path"/>: no server to install. A produce completes once
    /// the message is fsync'd (shared by concurrent producers); a backlog survives restarts. Several processes on this
    /// machine may use the same directory at once (an app and its workers): the first to take the directory's lock hosts
    /// the log in-process and serves the others over a Unix domain socket in the directory (<c>broker.sock</c>); when it
    /// exits or dies, another takes over within about a second and the others reconnect on their own
    /// (docs/shared-embedded.md). With <see cref="EmbeddedBrokerOptions.Shared"/> false the directory serves this process
    /// alone, and a second one gets an <see cref="IOException"/> naming the holder. The clock is the registered
    /// <see cref="TimeProvider"/>, if any.
    /// </summary>
    /// <param name="builder">The Broker builder.</param>
    /// <param name="path">
    /// The data directory, created if missing; relative paths are resolved against the current directory. It wins over
    /// <c>Broker:Embedded:Path</c> in configuration.
    /// </param>
    /// <param name="configure">Adjusts the options after configuration, if any, was applied; null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static BrokerBuilder UseEmbedded(this BrokerBuilder builder, string path, Action<EmbeddedBrokerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return builder.UseEmbedded(options =>
        {
            options.Path = path;
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// As <see cref="UseEmbedded(BrokerBuilder, string, Action{EmbeddedBrokerOptions})"/>, with the data directory
    /// and the other settings from configuration (<c>Broker:Embedded</c>, when Broker was added with
    /// <c>AddBroker(configuration, ...)</c>; see docs/configuration.md) and then from <paramref name="configure"/>,
    /// which wins.
    /// </summary>
    /// <param name="builder">The Broker builder.</param>
    /// <param name="configure">Adjusts the options after configuration was applied; it may set <see cref="EmbeddedBrokerOptions.Path"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">Without configuration: no path was set, or an option is invalid.</exception>
    public static BrokerBuilder UseEmbedded(this BrokerBuilder builder, Action<EmbeddedBrokerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = AdapterSettings.Resolve(builder, "Embedded", EmbeddedSettings.Read, configure, static o => o.Validate());
        return builder.UseTransport("Embedded", sp =>
        {
            var settings = options(sp);
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var loggers = sp.GetService<ILoggerFactory>();
            if (settings.Shared && EmbeddedEndpoint.IsSupported)
                return new SharedEmbeddedTransport(settings, time, loggers);
            var store = LogQueueStore.Open(settings.Path!, settings.ToLogOptions(), time, loggers?.CreateLogger("Broker.Engine.Log"));
            var engine = new QueueEngine(store, settings.ToEngineOptions(), time, loggers?.CreateLogger("Broker.Engine"), ownsStore: true);
            return new EngineTransport(engine, new Broker.Engine.Management.EngineManagement(engine, Broker.Management.BrokerKind.Embedded, Path.GetFullPath(settings.Path!)), ownsEngine: true);
        });
    }
}

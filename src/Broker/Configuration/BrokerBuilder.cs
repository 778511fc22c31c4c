using Broker.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker;

/// <summary>
/// Configures Broker in a service collection: which adapter carries the channels (<c>UseInMemory()</c>,
/// <c>UseEmbedded(path)</c>, <c>UseServer(...)</c>, <c>UseNats(...)</c>) and which channels exist (<c>AddChannels()</c>,
/// generated). Obtain one from <c>services.AddBroker(...)</c>.
/// </summary>
public sealed class BrokerBuilder
{
    private readonly List<Type> _channelTypes = [];
    private string? _transportName;

    /// <summary>Creates a builder over <paramref name="services"/>.</summary>
    /// <param name="services">The service collection.</param>
    public BrokerBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Broker's configuration section (such as <c>Broker</c> in <c>appsettings.json</c>), or null when settings come
    /// from code only. Adapters read their own child section (<c>Embedded</c>, <c>Server</c>, <c>Nats</c>,
    /// <c>InMemory</c>) from it when the host starts, before the settings their <c>Use...</c> call passes in code; see
    /// docs/configuration.md. Set by <c>services.AddBroker(configuration, ...)</c>.
    /// </summary>
    public IConfiguration? Configuration { get; init; }

    /// <summary>The name of the adapter chosen so far, or null when none is.</summary>
    public string? TransportName => _transportName;

    /// <summary>The channel interfaces registered so far.</summary>
    public IReadOnlyList<Type> ChannelTypes => _channelTypes;

    /// <summary>
    /// Chooses the adapter. Adapters call this from their <c>UseXxx</c> extension; choosing a second one is an error,
    /// because one application talks to one broker.
    /// </summary>
    /// <param name="name">The adapter's name for messages, such as <c>InMemory</c>.</param>
    /// <param name="factory">Creates the transport once, as a singleton.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException">An adapter was already chosen.</exception>
    public BrokerBuilder UseTransport(string name, Func<IServiceProvider, IQueueTransport> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (_transportName is not null)
            throw new InvalidOperationException($"Broker is already configured to use {_transportName}; it cannot also use {name}. Call one Use... method.");
        _transportName = name;
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>
    /// Registers a channel interface as a singleton. The generated <c>AddChannels()</c> calls this for every
    /// <c>[Channel]</c> interface; registering the same interface twice is harmless.
    /// </summary>
    /// <typeparam name="TChannel">The channel interface.</typeparam>
    /// <param name="factory">Creates the channel implementation from the transport and the logger factory.</param>
    /// <returns>This builder.</returns>
    public BrokerBuilder AddChannel<TChannel>(Func<IQueueTransport, ILoggerFactory, TChannel> factory)
        where TChannel : class, IQueueChannel
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (_channelTypes.Contains(typeof(TChannel)))
            return this;
        _channelTypes.Add(typeof(TChannel));
        Services.AddSingleton(sp => factory(
            sp.GetRequiredService<IQueueTransport>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        Services.AddSingleton<IQueueChannel>(sp => sp.GetRequiredService<TChannel>());
        return this;
    }
}

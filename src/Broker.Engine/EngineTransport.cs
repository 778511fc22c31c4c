using Broker.Engine.Management;
using Broker.Management;
using Broker.Transport;

namespace Broker.Engine;

/// <summary>
/// The in-process adapter: channels talk to a <see cref="QueueEngine"/> in the same process, with no serialization
/// beyond the BSON payloads. <c>UseInMemory()</c> puts it over a <see cref="Storage.MemoryQueueStore"/>; the embedded
/// mode (<c>UseEmbedded(path)</c>) puts it over a <see cref="Storage.Log.LogQueueStore"/>.
/// </summary>
public sealed class EngineTransport : IManageableTransport, IDisposable
{
    private readonly bool _ownsEngine;
    private volatile bool _disposed;

    /// <summary>Creates the adapter.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="ownsEngine">Whether disposing the adapter disposes the engine.</param>
    public EngineTransport(QueueEngine engine, bool ownsEngine = false)
        : this(engine, new EngineManagement(engine, BrokerKind.InMemory, "in-memory"), ownsEngine)
    {
    }

    /// <summary>Creates the adapter with the management API that describes its engine.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="management">The management API of <paramref name="engine"/>.</param>
    /// <param name="ownsEngine">Whether disposing the adapter disposes the engine.</param>
    public EngineTransport(QueueEngine engine, IBrokerManagement management, bool ownsEngine = false)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(management);
        Engine = engine;
        Management = management;
        _ownsEngine = ownsEngine;
    }

    /// <summary>The engine behind the adapter.</summary>
    public QueueEngine Engine { get; }

    /// <inheritdoc />
    public IBrokerManagement Management { get; }

    /// <inheritdoc />
    public TimeProvider TimeProvider => Engine.TimeProvider;

    /// <inheritdoc />
    public async ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await Engine.DeclareAsync(channel, cancellationToken).ConfigureAwait(false);
        return new EngineChannel(Engine, channel);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Waits for the engine's recovery (which the first operation would start anyway), so a log that cannot be replayed
    /// is reported here rather than by the first produce; then asks the store (<see cref="Storage.IQueueStore.CheckHealthAsync"/>).
    /// </remarks>
    public async ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (_disposed || Engine.IsDisposed)
        {
            return TransportHealth.Unhealthy(
                "The broker engine was disposed: nothing can be produced or delivered. The application is shutting down, or disposed the broker while still using it.");
        }
        try
        {
            await Engine.RecoverAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TransportHealth.Unhealthy(
                "The broker engine is still recovering its store (replaying the log): produces and deliveries wait until it is done. A large log takes a while; check again later.");
        }
        catch (Exception ex)
        {
            return TransportHealth.Unhealthy($"The broker engine could not recover its store: {ex.Message}", ex);
        }
        return await Engine.Store.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Disposes the engine when the adapter owns it. Synchronous, so containers disposed either way can release it.</summary>
    public void Dispose()
    {
        _disposed = true;
        if (_ownsEngine)
            Engine.Dispose();
    }
}

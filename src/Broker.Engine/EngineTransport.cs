using Broker.Transport;

namespace Broker.Engine;

/// <summary>
/// The in-process adapter: channels talk to a <see cref="QueueEngine"/> in the same process, with no serialization
/// beyond the BSON payloads. <c>UseInMemory()</c> puts it over a <see cref="Storage.MemoryQueueStore"/>; the embedded
/// mode (<c>UseEmbedded(path)</c>) puts it over a <see cref="Storage.Log.LogQueueStore"/>.
/// </summary>
public sealed class EngineTransport : IQueueTransport, IDisposable
{
    private readonly bool _ownsEngine;

    /// <summary>Creates the adapter.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="ownsEngine">Whether disposing the adapter disposes the engine.</param>
    public EngineTransport(QueueEngine engine, bool ownsEngine = false)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
        _ownsEngine = ownsEngine;
    }

    /// <summary>The engine behind the adapter.</summary>
    public QueueEngine Engine { get; }

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
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Disposes the engine when the adapter owns it. Synchronous, so containers disposed either way can release it.</summary>
    public void Dispose()
    {
        if (_ownsEngine)
            Engine.Dispose();
    }
}
